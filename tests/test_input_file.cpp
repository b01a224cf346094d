// Paths that are the wrong kind of thing, for every reader that opens a file or a folder the user
// named: the experiment file, the IDX folder and its files, the digits CSV. Each is refused with
// one sentence naming the path, what it is and what was expected, and nothing blocks (a named pipe
// with no writer would hang a reader that opened it).

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>
#include <string>

#include "config/config_json.h"
#include "data/dataset.h"
#include "data/digits_loader.h"
#include "data/gzip_reader.h"
#include "data/idx_loader.h"
#include "support/file_access_guard.h"
#include "io/input_file.h"

using namespace moelab;

namespace {

bool write_file(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray big_endian(std::uint32_t value) {
  QByteArray bytes(4, '\0');
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(value >> (24 - 8 * i));
  return bytes;
}

// A valid IDX pair: 4 images of 2x2, labels 0 1 0 1.
void write_idx_pair(const QString& dir) {
  write_file(dir + "/train-images-idx3-ubyte",
             big_endian(0x803) + big_endian(4) + big_endian(2) + big_endian(2) +
                 QByteArray(16, '\x07'));
  write_file(dir + "/train-labels-idx1-ubyte",
             big_endian(0x801) + big_endian(4) + QByteArray("\x00\x01\x00\x01", 4));
}

// The message of the exception `action` throws, or "" when it throws none.
template <typename Error>
QString message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

bool make_socket(const QString& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const QByteArray name = QFile::encodeName(path);
  if (fd < 0 || name.size() >= static_cast<int>(sizeof address.sun_path)) return false;
  std::memcpy(address.sun_path, name.constData(), static_cast<std::size_t>(name.size()));
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);  // the socket file stays
  return bound;
}

}  // namespace

class TestInputFile : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QVERIFY(temp_.isValid()); }

  // Every kind of path that is not a readable regular file, through every file reader.
  void wrongKindOfFile_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("problem");
    QTest::addColumn<bool>("needs_guard");
    const QString t = temp_.path();
    QVERIFY(QDir().mkpath(t + "/a-folder"));
    QVERIFY(::mkfifo(QFile::encodeName(t + "/a-fifo").constData(), 0644) == 0);
    QVERIFY(QFile::link(t + "/loop-b", t + "/loop-a"));
    QVERIFY(QFile::link(t + "/loop-a", t + "/loop-b"));
    QVERIFY(QFile::link(t + "/nothing-here", t + "/dangling"));
    QVERIFY(QFile::link("/dev/zero", t + "/to-dev-zero"));
    QVERIFY(write_file(t + "/a-file", "{}"));
    QVERIFY(write_file(t + "/unreadable", "{}"));
    QVERIFY(QFile::setPermissions(t + "/unreadable", {}));
    QVERIFY(QDir().mkpath(t + "/locked"));
    QVERIFY(write_file(t + "/locked/inside", "{}"));
    QVERIFY(QFile::setPermissions(t + "/locked", {}));
    const bool socket = make_socket(t + "/a-socket");

    QTest::newRow("folder") << t + "/a-folder" << "it is a folder" << false;
    QTest::newRow("fifo") << t + "/a-fifo" << "it is a named pipe (FIFO), not a regular file"
                          << false;
    QTest::newRow("/dev/null") << "/dev/null" << "it is a character device" << false;
    QTest::newRow("link to /dev/zero") << t + "/to-dev-zero" << "it is a character device"
                                       << false;
    QTest::newRow("symlink loop") << t + "/loop-a" << "symbolic link loop" << false;
    QTest::newRow("dangling symlink") << t + "/dangling"
                                      << "symbolic link to something that does not exist" << false;
    QTest::newRow("missing") << t + "/missing" << "no such file" << false;
    QTest::newRow("through a file") << t + "/a-file/x" << "is not a folder" << false;
    if (socket) QTest::newRow("socket") << t + "/a-socket" << "it is a socket" << false;
    QTest::newRow("unreadable file") << t + "/unreadable" << "permission denied" << true;
    QTest::newRow("file in a locked folder") << t + "/locked/inside" << "permission denied"
                                             << true;
  }

  void wrongKindOfFile() {
    QFETCH(QString, path);
    QFETCH(QString, problem);
    QFETCH(bool, needs_guard);
    FileAccessGuard guard;
    if (needs_guard && !guard.active()) {
      QSKIP("cannot make file permissions apply to this thread (no CAP_SETPCAP-free capset)");
    }
    const std::string p = QFile::encodeName(path).toStdString();
    const auto check = [&](const QString& text, const char* expected) {
      QVERIFY2(text.startsWith(path + ": cannot open " + expected + ": "), qPrintable(text));
      QVERIFY2(text.contains(problem), qPrintable(text));
      QVERIFY2(!text.contains('\n'), qPrintable(text));
    };
    check(message_of<InputFileError>([&] { InputFile(p, "the test file"); }), "the test file");
    check(message_of<ConfigError>([&] { load_config_file(p); }), "the experiment file");
    check(message_of<DataError>([&] { load_digits_file(p); }), "the data file");
    check(message_of<DataError>([&] { read_file_bytes(p); }), "the data file");
    // The IDX images as the wrong kind, beside a good label file.
    const QString folder = temp_.filePath(QStringLiteral("idx-%1").arg(++case_));
    QVERIFY(QDir().mkpath(folder));
    write_idx_pair(folder);
    check(message_of<DataError>(
              [&] { load_idx_pair(p, (folder + "/train-labels-idx1-ubyte").toStdString()); }),
          "the IDX image file");
  }

  // Inside an IDX folder, the usual file names taken by the wrong kind of thing.
  void idxFolderEntriesOfTheWrongKind_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("problem");
    QTest::newRow("folder") << "folder" << "it is a folder";
    QTest::newRow("fifo") << "fifo" << "named pipe";
    QTest::newRow("device") << "device" << "character device";
    QTest::newRow("loop") << "loop" << "symbolic link loop";
    QTest::newRow("dangling") << "dangling" << "does not exist";
    QTest::newRow("unreadable") << "unreadable" << "permission denied";
  }

  void idxFolderEntriesOfTheWrongKind() {
    QFETCH(QString, kind);
    QFETCH(QString, problem);
    const QString dir = temp_.filePath("entries-" + kind);
    QVERIFY(QDir().mkpath(dir));
    write_idx_pair(dir);
    const QString images = dir + "/train-images-idx3-ubyte";
    QVERIFY(QFile::remove(images));
    if (kind == "folder") QVERIFY(QDir().mkpath(images));
    if (kind == "fifo") QVERIFY(::mkfifo(QFile::encodeName(images).constData(), 0644) == 0);
    if (kind == "device") QVERIFY(QFile::link("/dev/zero", images));
    if (kind == "loop") QVERIFY(QFile::link(images, images));
    if (kind == "dangling") QVERIFY(QFile::link(dir + "/gone", images));
    if (kind == "unreadable") {
      QVERIFY(write_file(images, "x"));
      QVERIFY(QFile::setPermissions(images, {}));
    }
    FileAccessGuard guard;
    if (kind == "unreadable" && !guard.active()) QSKIP("cannot make file permissions apply");
    const QString text = message_of<DataError>([&] { load_idx_folder(dir.toStdString()); });
    QVERIFY2(text.startsWith(images + ": cannot open the IDX image file: "), qPrintable(text));
    QVERIFY2(text.contains(problem), qPrintable(text));
  }

  // The IDX folder itself as the wrong kind of thing.
  void idxFolderOfTheWrongKind_data() {
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("problem");
    QTest::addColumn<bool>("needs_guard");
    const QString t = temp_.path();
    QVERIFY(write_file(t + "/plain-file", "not a folder"));
    QVERIFY(::mkfifo(QFile::encodeName(t + "/folder-fifo").constData(), 0644) == 0);
    QVERIFY(QFile::link(t + "/folder-loop", t + "/folder-loop"));
    QVERIFY(QDir().mkpath(t + "/unlistable"));
    write_idx_pair(t + "/unlistable");
    QVERIFY(QFile::setPermissions(t + "/unlistable", {}));
    // Readable but not searchable: its names can be listed, its files not reached.
    QVERIFY(QDir().mkpath(t + "/unsearchable"));
    write_idx_pair(t + "/unsearchable");
    QVERIFY(QFile::setPermissions(t + "/unsearchable", QFile::ReadOwner | QFile::ReadGroup));
    QTest::newRow("missing") << t + "/no-such-folder" << "no such folder" << false;
    QTest::newRow("regular file") << t + "/plain-file" << "it is a regular file, not a folder"
                                  << false;
    QTest::newRow("fifo") << t + "/folder-fifo" << "named pipe" << false;
    QTest::newRow("/dev/null") << "/dev/null" << "character device" << false;
    QTest::newRow("loop") << t + "/folder-loop" << "symbolic link loop" << false;
    QTest::newRow("unlistable") << t + "/unlistable" << "permission denied" << true;
    QTest::newRow("unsearchable") << t + "/unsearchable" << "permission denied" << true;
  }

  void idxFolderOfTheWrongKind() {
    QFETCH(QString, path);
    QFETCH(QString, problem);
    QFETCH(bool, needs_guard);
    FileAccessGuard guard;
    if (needs_guard && !guard.active()) QSKIP("cannot make file permissions apply");
    const QString text = message_of<DataError>([&] { load_idx_folder(path.toStdString()); });
    QVERIFY2(text.startsWith(path), qPrintable(text));
    QVERIFY2(text.contains(problem), qPrintable(text));
    QVERIFY2(!text.contains("no IDX data found"), qPrintable(text));
  }

  void emptyConfigSaysSo() {
    const QString path = temp_.filePath("empty.json");
    QVERIFY(write_file(path, QByteArray()));
    const QString text = message_of<ConfigError>([&] { load_config_file(path.toStdString()); });
    QVERIFY2(text.contains("the file is empty"), qPrintable(text));
  }

  void readAllRefusesBeyondItsLimit() {
    const QString path = temp_.filePath("big");
    QVERIFY(write_file(path, QByteArray(100, 'x')));
    InputFile file(path.toStdString(), "the test file");
    QCOMPARE(file.size(), std::uint64_t{100});
    QVERIFY(message_of<InputFileError>([&] { file.read_all(99); }).contains("limit"));
    InputFile again(path.toStdString(), "the test file");
    QCOMPARE(again.read_all(100).size(), std::size_t{100});
  }

  void cleanupTestCase() {
    // Give back permissions so that the temporary folder can be removed.
    for (const char* name : {"unreadable", "locked", "unlistable", "unsearchable"}) {
      QFile::setPermissions(temp_.filePath(name), QFile::ReadOwner | QFile::WriteOwner |
                                                     QFile::ExeOwner);
    }
  }

 private:
  QTemporaryDir temp_;
  int case_ = 0;
};

QTEST_GUILESS_MAIN(TestInputFile)
#include "test_input_file.moc"
