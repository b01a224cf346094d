// Both programs, as a user starts them, on every class of input they must refuse: a model that
// cannot fit in memory, more threads than CPUs, IDX labels outside the classes, paths that are
// the wrong kind of thing (a named pipe, a folder, a device, a file this user may not read). Each
// ends with a one-line reason on stderr (a headless window too, not only in its report), an exit
// code of 1 or 2, no crash, no LibTorch stack trace and no hang.

#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "config/config_json.h"
#include "util/cpu_budget.h"

namespace {

// Far above any run here: a program still going after this has hung.
constexpr int kHangMs = 120000;

QByteArray big_endian(std::uint32_t value) {
  QByteArray bytes(4, '\0');
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(value >> (24 - 8 * i));
  return bytes;
}

bool write_file(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// An IDX folder of 40 images of 2x2 with labels 0..9, one of them replaced by `stray`.
void write_idx_folder(const QString& dir, int stray) {
  QDir().mkpath(dir);
  QByteArray labels = big_endian(0x801) + big_endian(40);
  for (int i = 0; i < 40; ++i) labels.append(static_cast<char>(i == 17 ? stray : i % 10));
  write_file(dir + "/train-images-idx3-ubyte", big_endian(0x803) + big_endian(40) +
                                                   big_endian(2) + big_endian(2) +
                                                   QByteArray(160, '\x05'));
  write_file(dir + "/train-labels-idx1-ubyte", labels);
}

struct Outcome {
  bool finished = false;
  bool normal_exit = false;
  int code = -1;
  QString err;
};

Outcome run(const QString& program, const QStringList& args, const QString& config_home,
            bool as_nobody = false) {
  QProcess process;
  QStringList env = QProcess::systemEnvironment();
  env << QStringLiteral("QT_QPA_PLATFORM=offscreen") << QStringLiteral("OMP_NUM_THREADS=1")
      << QStringLiteral("XDG_CONFIG_HOME=") + config_home
      // The runs' folders go to the data folder: the test's, not the user's.
      << QStringLiteral("XDG_DATA_HOME=") + config_home;
  process.setEnvironment(env);
  if (as_nobody) {
    process.start(QStringLiteral("setpriv"),
                  QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                              QStringLiteral("--clear-groups"), program} +
                      args);
  } else {
    process.start(program, args);
  }
  Outcome outcome;
  outcome.finished = process.waitForFinished(kHangMs);
  if (!outcome.finished) process.kill();
  process.waitForFinished();
  outcome.normal_exit = process.exitStatus() == QProcess::NormalExit;
  outcome.code = process.exitCode();
  outcome.err = QString::fromLocal8Bit(process.readAllStandardError());
  return outcome;
}

}  // namespace

class TestUiRefusals : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(temp_.isValid());
    // Readable by an unprivileged user, for the permission cases.
    QVERIFY(QFile::setPermissions(temp_.path(), QFile::ReadOwner | QFile::WriteOwner |
                                                    QFile::ExeOwner | QFile::ReadOther |
                                                    QFile::ExeOther));
    const QString t = temp_.path();
    QVERIFY(::mkfifo(QFile::encodeName(t + "/fifo.json").constData(), 0644) == 0);
    QVERIFY(QDir().mkpath(t + "/folder.json"));
    write_idx_folder(t + "/stray", 255);
    write_idx_folder(t + "/fifo-images", 0);
    QVERIFY(QFile::remove(t + "/fifo-images/train-images-idx3-ubyte"));
    QVERIFY(::mkfifo(QFile::encodeName(t + "/fifo-images/train-images-idx3-ubyte").constData(),
                     0644) == 0);
    write_idx_folder(t + "/locked", 0);
    QVERIFY(QFile::setPermissions(t + "/locked", QFile::ReadOwner | QFile::ExeOwner));
    QVERIFY(write_file(t + "/private.json", "{}"));
    QVERIFY(QFile::setPermissions(t + "/private.json", QFile::ReadOwner));
    // Where runs write (the CLI's --out, the window's data folder): writable by the unprivileged
    // user too, so that the refusal tested is the input's, not the output folder's.
    for (const char* name : {"/outs", "/xdg-nobody"}) {
      QVERIFY(QDir().mkpath(t + name));
      QVERIFY(::chmod(QFile::encodeName(t + name).constData(), 0777) == 0);
    }
  }

  // name: the case; cli: moelab-cli's arguments; config: the same as an experiment file for the
  // window ("" when the case is the path itself); path: the window's --config path otherwise.
  void refused_data() {
    QTest::addColumn<QStringList>("cli");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("as_nobody");
    const QString t = temp_.path();
    const QString threads = QString::number(moelab::usable_cpu_count() + 1);
    QTest::newRow("model too large for memory")
        << QStringList{"--hidden", "8192", "--expert-hidden", "8192", "--max-experts", "256"}
        << QByteArray(R"({"model": {"hidden": 8192, "expert_hidden": 8192, "max_experts": 256}})")
        << QString() << "lower model.expert_hidden (--expert-hidden)" << false;
    QTest::newRow("more threads than CPUs")
        << QStringList{"--threads", threads}
        << QByteArray(R"({"training": {"threads": )" + threads.toUtf8() + "}}") << QString()
        << "training.threads (--threads) is " + threads << false;
    QTest::newRow("a stray label")
        << QStringList{"--dataset", "idx:" + t + "/stray"}
        << QByteArray(R"({"data": {"kind": "idx", "idx_dir": ")" + t.toUtf8() + R"(/stray"}})")
        << QString() << "label 255 at index 17 is outside the classes 0..9" << false;
    QTest::newRow("images are a named pipe")
        << QStringList{"--dataset", "idx:" + t + "/fifo-images"}
        << QByteArray(R"({"data": {"kind": "idx", "idx_dir": ")" + t.toUtf8() +
                      R"(/fifo-images"}})")
        << QString() << "it is a named pipe (FIFO), not a regular file" << false;
    QTest::newRow("config is a named pipe") << QStringList{"--config", t + "/fifo.json"}
                                            << QByteArray() << t + "/fifo.json"
                                            << "named pipe" << false;
    QTest::newRow("config is a folder") << QStringList{"--config", t + "/folder.json"}
                                        << QByteArray() << t + "/folder.json" << "it is a folder"
                                        << false;
    QTest::newRow("config is /dev/zero") << QStringList{"--config", "/dev/zero"} << QByteArray()
                                         << "/dev/zero" << "character device" << false;
    QTest::newRow("config not readable") << QStringList{"--config", t + "/private.json"}
                                         << QByteArray() << t + "/private.json"
                                         << "permission denied" << true;
    QTest::newRow("IDX folder not readable")
        << QStringList{"--dataset", "idx:" + t + "/locked"}
        << QByteArray(R"({"data": {"kind": "idx", "idx_dir": ")" + t.toUtf8() + R"(/locked"}})")
        << QString() << "permission denied" << true;
  }

  void refused() {
    QFETCH(QStringList, cli);
    QFETCH(QByteArray, config);
    QFETCH(QString, path);
    QFETCH(QString, expected);
    QFETCH(bool, as_nobody);
    if (as_nobody && ::geteuid() != 0) as_nobody = false;  // modes already apply
    if (as_nobody && QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty()) {
      QSKIP("running as root without setpriv: permission cannot be denied");
    }
    // The unprivileged user's own: folders the window made as root are not writable by it.
    const QString home = temp_.filePath(as_nobody ? QStringLiteral("xdg-nobody") : QStringLiteral("xdg"));
    const auto check = [&](const Outcome& o, const char* program) {
      QVERIFY2(o.finished, qPrintable(QStringLiteral("%1 hung").arg(program)));
      QVERIFY2(o.normal_exit, qPrintable(QStringLiteral("%1 crashed: %2").arg(program, o.err)));
      QVERIFY2(o.code == 1 || o.code == 2, qPrintable(QString::number(o.code) + " " + o.err));
      QVERIFY2(o.err.contains(expected), qPrintable(o.err));
      QVERIFY2(!o.err.contains(QStringLiteral("frame #")) &&
                   !o.err.contains(QStringLiteral("enforce fail")),
               qPrintable(o.err));
      // The reason is one line (a log line may come before it).
      const QStringList lines = o.err.split('\n', Qt::SkipEmptyParts).filter(expected);
      QCOMPARE(lines.size(), 1);
    };
    check(run(QStringLiteral(MOELAB_CLI_PATH),
              cli + QStringList{"--quiet", "--out",
                                temp_.filePath(QStringLiteral("outs/case-%1").arg(++out_case_))},
              home,
              as_nobody),
          "moelab-cli");
    QString gui_config = path;
    if (!config.isEmpty()) {
      gui_config = temp_.filePath(QStringLiteral("gui-%1.json").arg(++case_));
      QVERIFY(write_file(gui_config, config));
      QFile::setPermissions(gui_config, QFile::ReadOwner | QFile::ReadOther);
    }
    check(run(QStringLiteral(MOELAB_GUI_PATH),
              {QStringLiteral("--config"), gui_config, QStringLiteral("--autostart"),
               QStringLiteral("--quit")},
              home, as_nobody),
          "moelab");
  }

  void cleanupTestCase() {
    QFile::setPermissions(temp_.filePath(QStringLiteral("locked")),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
  }

 private:
  QTemporaryDir temp_;
  int out_case_ = 0;
  int case_ = 0;
};

QTEST_GUILESS_MAIN(TestUiRefusals)
#include "test_ui_refusals.moc"
