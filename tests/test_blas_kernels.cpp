// The matrix products every training step runs, on the kernels the programs choose, against a
// plain double-precision reference; and the kernel choice itself (switch from OpenBLAS's generic
// kernels, opt-out, the user's OPENBLAS_CORETYPE, falling back when a product is wrong).
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <cstdlib>

#include "util/blas_check.h"
#include "util/openblas_kernels.h"
#include "util/sgemm.h"
#include "util/sgemm_check.h"

using namespace moelab;

namespace {

// Sets or removes an environment variable for one scope.
class ScopedVariable {
 public:
  ScopedVariable(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) saved_ = QByteArray(old);
    had_ = std::getenv(name) != nullptr;
    if (value) {
      qputenv(name, value);
    } else {
      qunsetenv(name);
    }
  }
  ~ScopedVariable() {
    if (had_) {
      qputenv(name_, saved_);
    } else {
      qunsetenv(name_);
    }
  }

 private:
  const char* name_;
  QByteArray saved_;
  bool had_ = false;
};

// The kernels a moelab-cli process reports (--log-level debug), started with `environment`.
struct CliKernels {
  int exit_code = -1;
  QString kernels;  // from the "BLAS: <library> <kernels>" line
  QString err;
};

CliKernels cli_kernels(const QProcessEnvironment& environment) {
  QTemporaryDir dir;
  QProcess cli;
  cli.setProcessEnvironment(environment);
  cli.start(
      QStringLiteral(MOELAB_CLI_PATH),
      {QStringLiteral("--seed-epochs"), QStringLiteral("1"), QStringLiteral("--growth-epochs"),
       QStringLiteral("0"), QStringLiteral("--quiet"), QStringLiteral("--log-level"),
       QStringLiteral("debug"), QStringLiteral("--out"), dir.filePath(QStringLiteral("run"))});
  CliKernels r;
  if (!cli.waitForFinished(120000)) return r;
  r.exit_code = cli.exitCode();
  r.err = QString::fromLocal8Bit(cli.readAllStandardError());
  const auto match = QRegularExpression(QStringLiteral("BLAS: \\S+ (\\S*)\\n")).match(r.err);
  if (match.hasMatch()) r.kernels = match.captured(1);
  return r;
}

SgemmFunction perturbed(std::int64_t element, float factor) {
  return [=](bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
             std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
             std::int64_t ldc) {
    sgemm(ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);
    if (element < m * n) c[element] *= factor;
  };
}

}  // namespace

class TestBlasKernels : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The products at the lab's shapes on the kernels this process runs, which are the programs'
  // (tests/support/program_kernels.cpp makes the same call as their main()).
  void productsMatchThePlainReference() {
    const auto check = check_sgemm_products();
    qInfo("kernels %s: worst element at %.3f of the rounding bound (%s)",
          openblas_kernels().c_str(), check.worst_ratio, check.worst.c_str());
    QVERIFY2(check.passed, check.worst.c_str());
    QVERIFY(lab_gemm_shapes().size() >= 20);
  }

  // The reference is not a copy of the BLAS: it notices one element off by 0.1%, a product that
  // ignores beta, a NaN.
  void checkCatchesAWrongProduct() {
    const auto off = check_sgemm_products(perturbed(5, 1.001f));
    QVERIFY(!off.passed);
    QVERIFY2(off.worst_ratio > 1.0, off.worst.c_str());
    QVERIFY2(off.worst.find("c[0,5]") != std::string::npos, off.worst.c_str());

    const auto no_beta = check_sgemm_products(
        [](bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
           std::int64_t lda, const float* b, std::int64_t ldb, float, float* c,
           std::int64_t ldc) { sgemm(ta, tb, m, n, k, a, lda, b, ldb, 0.0f, c, ldc); });
    QVERIFY(!no_beta.passed);

    const auto nan = check_sgemm_products(perturbed(0, std::numeric_limits<float>::quiet_NaN()));
    QVERIFY(!nan.passed);
    QVERIFY(std::isinf(nan.worst_ratio));
  }

  void ruleActsOnlyOnKernelsOlderThanAvx2() {
    QCOMPARE(QString(openblas_kernels_for_cpu("Prescott", true, true)), QString("SkylakeX"));
    QCOMPARE(QString(openblas_kernels_for_cpu("Prescott", true, false)), QString("Haswell"));
    QCOMPARE(QString(openblas_kernels_for_cpu("Nehalem", true, false)), QString("Haswell"));
    QCOMPARE(QString(openblas_kernels_for_cpu("Sandybridge", true, true)), QString("SkylakeX"));
    QCOMPARE(QString(openblas_kernels_for_cpu("Prescott", false, false)), QString());
    QCOMPARE(QString(openblas_kernels_for_cpu("Haswell", true, true)), QString());
    QCOMPARE(QString(openblas_kernels_for_cpu("Zen", true, true)), QString());
    QCOMPARE(QString(openblas_kernels_for_cpu("SkylakeX", true, true)), QString());
    QCOMPARE(QString(openblas_kernels_for_cpu("cooperlake", true, true)), QString());
    QCOMPARE(QString(openblas_kernels_for_cpu("", true, true)), QString());  // not OpenBLAS
  }

  // OpenBLAS on its generic kernels (as on a CPU newer than the library), then the programs'
  // call: it switches in this process, checks the products, leaves no variable behind; the
  // opt-out and a failing check each leave OpenBLAS's choice.
  void switchesFromGenericKernels() {
    const std::string own = openblas_kernels();
    if (own.empty()) QSKIP("the BLAS is not OpenBLAS");
    if (!cpu_has_avx2_fma()) QSKIP("the CPU has no AVX2: OpenBLAS's generic kernels stand");
    if (!switch_openblas_kernels("Prescott")) QSKIP("this OpenBLAS cannot switch kernels");
    ScopedVariable no_user_choice("OPENBLAS_CORETYPE", nullptr);
    ScopedVariable no_opt_out(kKeepOpenblasKernelsVariable, nullptr);
    const QString fast = cpu_has_avx512() ? QStringLiteral("SkylakeX") : QStringLiteral("Haswell");

    const auto chosen = choose_openblas_kernels();
    QCOMPARE(QString::fromStdString(chosen.openblas_choice), QStringLiteral("Prescott"));
    QCOMPARE(QString::fromStdString(chosen.kernels), fast);
    QVERIFY(chosen.switched && chosen.checked && chosen.products_correct);
    QVERIFY2(chosen.warning.empty(), chosen.warning.c_str());
    QCOMPARE(QString::fromStdString(openblas_kernels()), fast);
    QVERIFY(std::getenv("OPENBLAS_CORETYPE") == nullptr);  // nothing for child processes

    QVERIFY(switch_openblas_kernels("Prescott"));
    {
      ScopedVariable opt_out(kKeepOpenblasKernelsVariable, "1");
      const auto kept = choose_openblas_kernels();
      QVERIFY(!kept.switched);
      QCOMPARE(QString::fromStdString(openblas_kernels()), QStringLiteral("Prescott"));
    }

    // The fast kernels "compute wrong products": back to OpenBLAS's own, with a warning.
    const auto wrong_unless_generic = [] {
      SgemmCheck check;
      check.passed = openblas_kernels() == "Prescott";
      check.worst_ratio = check.passed ? 0.5 : 40.0;
      check.worst = "a simulated wrong product";
      return check;
    };
    const auto fell_back = choose_openblas_kernels(wrong_unless_generic);
    QVERIFY(!fell_back.switched && fell_back.products_correct);
    QCOMPARE(QString::fromStdString(fell_back.kernels), QStringLiteral("Prescott"));
    QVERIFY2(QString::fromStdString(fell_back.warning).contains("back to its own Prescott"),
             fell_back.warning.c_str());

    // Every kernel set wrong: the programs refuse to train.
    const auto refused = choose_openblas_kernels([] {
      SgemmCheck check;
      check.passed = false;
      check.worst_ratio = 40.0;
      check.worst = "a simulated wrong product";
      return check;
    });
    QVERIFY(!refused.products_correct);
    QVERIFY(!report_kernel_choice(refused));

    QVERIFY(switch_openblas_kernels(own));
    QCOMPARE(QString::fromStdString(openblas_kernels()), QString::fromStdString(own));
  }

  // The test processes run on the programs' kernels, with the same environment.
  void testsRunOnTheProgramsKernels() {
    if (openblas_kernels().empty()) QSKIP("the BLAS is not OpenBLAS");
    const auto cli = cli_kernels(QProcessEnvironment::systemEnvironment());
    QVERIFY2(cli.exit_code == 0, qPrintable(cli.err));
    QCOMPARE(cli.kernels, QString::fromStdString(openblas_kernels()));
  }

  // Whatever OpenBLAS detects on this machine, moelab-cli started without OPENBLAS_CORETYPE
  // never trains on kernels older than AVX2 on a CPU that has it; with the user's
  // OPENBLAS_CORETYPE=Prescott it stays there and says what that costs.
  void programsAvoidGenericKernelsUnlessTheUserAsks() {
    if (openblas_kernels().empty()) QSKIP("the BLAS is not OpenBLAS");
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("OPENBLAS_CORETYPE"));
    environment.remove(QString::fromLatin1(kKeepOpenblasKernelsVariable));
    const auto own = cli_kernels(environment);
    QVERIFY2(own.exit_code == 0 && !own.kernels.isEmpty(), qPrintable(own.err));
    if (cpu_has_avx2_fma()) {
      QVERIFY2(
          openblas_kernels_for_cpu(own.kernels.toStdString(), true, cpu_has_avx512())[0] == '\0',
          qPrintable(own.err));
    }

    environment.insert(QStringLiteral("OPENBLAS_CORETYPE"), QStringLiteral("Prescott"));
    const auto forced = cli_kernels(environment);
    QVERIFY2(forced.exit_code == 0, qPrintable(forced.err));
    QCOMPARE(forced.kernels, QStringLiteral("Prescott"));
    if (cpu_has_avx2_fma()) {
      QVERIFY2(forced.err.contains(QStringLiteral("OPENBLAS_CORETYPE=Prescott keeps OpenBLAS")),
               qPrintable(forced.err));
    }
  }
};

QTEST_GUILESS_MAIN(TestBlasKernels)
#include "test_blas_kernels.moc"
