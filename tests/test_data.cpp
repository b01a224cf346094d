// The data layer: every loader on good input, every bad file it must refuse with a DataError that
// names the file, and the seeded splits and generators that must give the same bytes each time.

#include <torch/torch.h>
#include <zlib.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/run_config.h"
#include "data/dataset.h"
#include "data/dataset_loader.h"
#include "data/digits_loader.h"
#include "data/embedded_digits.h"
#include "data/gzip_reader.h"
#include "data/idx_loader.h"
#include "data/stratified_split.h"
#include "data/synthetic_generator.h"
#include "util/memory_budget.h"

#include "support/data_test_files.h"

using namespace moelab;
using namespace data_test;

class TestData : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();

  void embeddedDigits();
  void digitsFilePlainAndGzipAgree();
  void digitsCsvToleratesCrlfAndBlankLines();
  void badInputIsRefused_data();
  void badInputIsRefused();
  void missingFileNamesPath();
  void gzipBombIsCapped();
  void gzipMultiMember();


  void splitIsStratifiedAndDeterministic();
  void splitTinyClasses();
  void threeWaySplitHoldsOutAStratifiedTestSet();
  void splitRejectsBadFraction();
  void subsetIsStratifiedAndDeterministic();

  void syntheticShapeAndDeterminism();
  void syntheticRejectsBadOptions_data();
  void syntheticRejectsBadOptions();

  void loadDatasetDispatches();
  void validateDatasetCatchesBadTensors();

 private:
  QTemporaryDir temp_;
};

void TestData::initTestCase() { QVERIFY(temp_.isValid()); }

void TestData::embeddedDigits() {
  const Dataset digits = load_embedded_digits();
  QCOMPARE(digits.size(), kEmbeddedDigitsSamples);
  QCOMPARE(digits.dimension(), 64);
  QCOMPARE(digits.num_classes, 10);
  QCOMPARE(digits.name, std::string("digits"));
  QCOMPARE(digits.class_names.size(), std::size_t{10});
  QCOMPARE(digits.class_names.front(), std::string("0"));
  QCOMPARE(digits.features.scalar_type(), torch::kFloat32);
  QCOMPARE(digits.labels.scalar_type(), torch::kInt64);
  QVERIFY(digits.features.min().item<float>() >= 0.0f);
  QCOMPARE(digits.features.max().item<float>(), 1.0f);
  QCOMPARE(digits.labels[0].item<std::int64_t>(), 0);
  // First row of the file: 0,0,5,13,9,1,0,0,...
  QCOMPARE(digits.features[0][2].item<float>(), 5.0f / 16.0f);
  QCOMPARE(digits.features[0][3].item<float>(), 13.0f / 16.0f);
  for (std::int64_t count : class_counts(digits.labels, 10)) QVERIFY(count >= 170);
}

void TestData::digitsFilePlainAndGzipAgree() {
  const QString gz_path = temp_.filePath("digits.csv.gz");
  const QString csv_path = temp_.filePath("digits.csv");
  QVERIFY(write_file(gz_path, embedded_gz()));
  QVERIFY(write_file(csv_path, embedded_csv()));
  const Dataset embedded = load_embedded_digits();
  const Dataset from_gz = load_digits_file(gz_path.toStdString());
  const Dataset from_csv = load_digits_file(csv_path.toStdString());
  QVERIFY(torch::equal(embedded.features, from_gz.features));
  QVERIFY(torch::equal(embedded.labels, from_gz.labels));
  QVERIFY(torch::equal(embedded.features, from_csv.features));
  QVERIFY(torch::equal(embedded.labels, from_csv.labels));
}

void TestData::digitsCsvToleratesCrlfAndBlankLines() {
  QByteArray csv = csv_row(16, 3) + "\n" + csv_row(0, 7);
  csv.replace("\n", "\r\n");
  csv += "\r\n\r\n";
  const Dataset dataset = load_digits_csv(as_span(csv), "crlf.csv");
  QCOMPARE(dataset.size(), 2);
  QCOMPARE(to_vector(dataset.labels), (std::vector<std::int64_t>{3, 7}));
  QCOMPARE(dataset.features[0][63].item<float>(), 1.0f);
  QCOMPARE(dataset.features[1][0].item<float>(), 0.0f);
}

// Each row writes `primary` (and, for IDX, `secondary` as the label file) to the temporary folder
// and expects a DataError naming `bad_file` and containing `problem`.
void TestData::badInputIsRefused_data() {
  QTest::addColumn<QString>("format");  // "csv", "idx" or "idx.gz"
  QTest::addColumn<QByteArray>("primary");
  QTest::addColumn<QByteArray>("secondary");
  QTest::addColumn<QString>("bad_file");  // "primary" or "secondary"
  QTest::addColumn<QString>("problem");

  const QByteArray good_csv = csv_row(1, 0) + csv_row(2, 1);
  const QByteArray none;
  QTest::newRow("csv empty") << "csv" << QByteArray() << none << "primary"
                             << "no data rows";
  QTest::newRow("csv only blank lines") << "csv" << QByteArray("\n \n\r\n") << none << "primary"
                                        << "no data rows";
  QByteArray short_row = csv_row(1, 0);
  short_row.remove(0, 2);  // drop the first "1,"
  QTest::newRow("csv 64 columns") << "csv" << csv_row(1, 0) + short_row << none << "primary"
                                  << "line 2 has 64 columns";
  QTest::newRow("csv 66 columns") << "csv"
                                  << "5," + csv_row(1, 0) << none << "primary"
                                  << "line 1 has 66 columns";
  QTest::newRow("csv non-numeric") << "csv"
                                   << "abc" + csv_row(1, 0).mid(1) << none << "primary"
                                   << "not a number";
  QTest::newRow("csv empty field") << "csv"
                                   << "," + csv_row(1, 0).mid(2) << none << "primary"
                                   << "empty pixel";
  QTest::newRow("csv NaN pixel") << "csv" << good_csv + "nan" + csv_row(1, 0).mid(1) << none
                                 << "primary"
                                 << "line 3, column 1: pixel is NaN";
  QTest::newRow("csv NaN label") << "csv" << good_csv + csv_row(1, 0).replace(",0\n", ",NaN\n")
                                 << none << "primary"
                                 << "label is NaN";
  QTest::newRow("csv infinite") << "csv"
                                << "inf" + csv_row(1, 0).mid(1) << none << "primary"
                                << "infinite";
  QTest::newRow("csv fractional") << "csv"
                                  << "3.5" + csv_row(1, 0).mid(1) << none << "primary"
                                  << "not a whole number";
  QTest::newRow("csv pixel 17") << "csv" << good_csv + csv_row(17, 2) << none << "primary"
                                << "outside 0..16";
  QTest::newRow("csv pixel -1") << "csv" << csv_row(-1, 2) + good_csv << none << "primary"
                                << "outside 0..16";
  QTest::newRow("csv label 10") << "csv" << good_csv + csv_row(1, 10) << none << "primary"
                                << "label \"10\" is outside 0..9";
  QTest::newRow("csv one class") << "csv" << csv_row(1, 4) + csv_row(2, 4) << none << "primary"
                                 << "same label";
  QTest::newRow("csv binary junk")
      << "csv" << QByteArray("\x00\x01\xff,\x7f\n", 6) << none << "primary"
      << "line 1 has 2 columns";
  const QByteArray gz = embedded_gz();
  QByteArray corrupt = gz;
  for (int i = 100; i < 140; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  QTest::newRow("gzip corrupt") << "csv" << corrupt << none << "primary"
                                << "corrupt or truncated gzip";
  QTest::newRow("gzip truncated") << "csv" << gz.left(gz.size() / 2) << none << "primary"
                                  << "corrupt or truncated gzip";
  QTest::newRow("gzip header only") << "csv" << gz.left(10) << none << "primary"
                                    << "corrupt or truncated gzip";
  QTest::newRow("gzip magic only") << "csv" << gz.left(2) << none << "primary"
                                   << "corrupt or truncated gzip";
  QTest::newRow("gzip trailing junk") << "csv" << gz + "junk" << none << "primary"
                                      << "unexpected bytes after";

  const QByteArray images = idx_images(3, 2, 2);
  const QByteArray labels = idx_labels({0, 1, 2});
  QTest::newRow("idx images empty") << "idx" << QByteArray() << labels << "primary"
                                    << "file is empty";
  QTest::newRow("idx labels empty") << "idx" << images << QByteArray() << "secondary"
                                    << "file is empty";
  QTest::newRow("idx images 3 bytes") << "idx" << QByteArray("\0\0\x08", 3) << labels << "primary"
                                      << "too short";
  QTest::newRow("idx images magic")
      << "idx" << idx_images(3, 2, 2, images.mid(16), 0x00000801) << labels << "primary"
      << "not an IDX image file";
  QTest::newRow("idx images magic text")
      << "idx" << QByteArray("hello, world, this is text") << labels << "primary"
      << "magic number 0x68656c6c";
  QTest::newRow("idx labels magic")
      << "idx" << images << idx_labels({0, 1, 2}, 0x00000803) << "secondary"
      << "not an IDX label file";
  QTest::newRow("idx images swapped") << "idx" << labels << images << "primary"
                                      << "not an IDX image file";
  QTest::newRow("idx header truncated") << "idx" << images.left(12) << labels << "primary"
                                        << "truncated IDX header";
  QTest::newRow("idx labels header truncated") << "idx" << images << labels.left(6) << "secondary"
                                               << "truncated IDX header";
  QTest::newRow("idx images truncated") << "idx" << images.chopped(1) << labels << "primary"
                                        << "truncated";
  QTest::newRow("idx images extra") << "idx" << images + "x" << labels << "primary"
                                    << "extra bytes";
  QTest::newRow("idx labels truncated") << "idx" << images << labels.chopped(1) << "secondary"
                                        << "truncated";
  QTest::newRow("idx labels extra") << "idx" << images << labels + "x"
                                    << "secondary"
                                    << "extra bytes";
  QTest::newRow("idx counts disagree") << "idx" << images << idx_labels({0, 1, 2, 1}) << "secondary"
                                       << "has 4 labels but";
  QTest::newRow("idx no images") << "idx" << idx_images(0, 2, 2, QByteArray()) << idx_labels({})
                                 << "primary"
                                 << "contains no images";
  QTest::newRow("idx zero rows") << "idx" << idx_images(3, 0, 2, QByteArray()) << labels
                                 << "primary"
                                 << "is empty";
  QTest::newRow("idx huge dims") << "idx"
                                 << idx_images(0xffffffffu, 0xffffffffu, 0xffffffffu,
                                               images.mid(16))
                                 << labels << "primary"
                                 << "truncated";
  QTest::newRow("idx huge count") << "idx" << idx_images(0xffffffffu, 2, 2, images.mid(16))
                                  << labels << "primary"
                                  << "truncated";
  QTest::newRow("idx huge label count")
      << "idx" << images << big_endian(0x801) + big_endian(0xffffffffu) + "ab"
      << "secondary"
      << "truncated";
  QTest::newRow("idx dims overflow to payload")
      // count * rows * cols = 2^31 * 2^16 * 2^17 = 2^64, which wraps to 0 in 64-bit arithmetic.
      << "idx" << idx_images(1u << 31, 1u << 16, 1u << 17, images.mid(16)) << labels << "primary"
      << "truncated";
  QTest::newRow("idx one class, not 0") << "idx" << images << idx_labels({2, 2, 2}) << "secondary"
                                        << "no sample has label 0";
  QTest::newRow("idx one class") << "idx" << images << idx_labels({0, 0, 0}) << "primary"
                                 << "needs at least 2 classes";
  QByteArray corrupt_images = gzip(images);
  corrupt_images[corrupt_images.size() - 5] =
      static_cast<char>(corrupt_images[corrupt_images.size() - 5] ^ 0xff);
  QTest::newRow("idx.gz images crc") << "idx.gz" << corrupt_images << gzip(labels) << "primary"
                                     << "corrupt or truncated gzip";
  QTest::newRow("idx.gz labels truncated")
      << "idx.gz" << gzip(images) << gzip(labels).chopped(4) << "secondary"
      << "corrupt or truncated gzip";
  QTest::newRow("idx.gz images truncated inside")
      << "idx.gz" << gzip(images.chopped(2)) << gzip(labels) << "primary"
      << "truncated";
}

void TestData::badInputIsRefused() {
  QFETCH(QString, format);
  QFETCH(QByteArray, primary);
  QFETCH(QByteArray, secondary);
  QFETCH(QString, bad_file);
  QFETCH(QString, problem);

  static int case_number = 0;
  const QString prefix = QStringLiteral("case%1-").arg(++case_number);
  const QString suffix = format == "idx.gz" ? ".gz" : "";
  const QString primary_path =
      temp_.filePath(prefix + (format == "csv" ? "bad.csv" : "train-images-idx3-ubyte") + suffix);
  const QString secondary_path = temp_.filePath(prefix + "train-labels-idx1-ubyte" + suffix);
  QVERIFY(write_file(primary_path, primary));
  if (format != "csv") QVERIFY(write_file(secondary_path, secondary));
  const QString named = bad_file == "primary" ? primary_path : secondary_path;

  std::string message;
  try {
    if (format == "csv") {
      load_digits_file(primary_path.toStdString());
    } else {
      load_idx_pair(primary_path.toStdString(), secondary_path.toStdString());
    }
  } catch (const DataError& error) {
    message = error.what();
  } catch (const std::exception& error) {
    QFAIL(qPrintable(QStringLiteral("not a DataError: ") + error.what()));
  }
  QVERIFY2(!message.empty(), "no exception");
  const QString text = QString::fromStdString(message);
  QVERIFY2(text.contains(named), qPrintable(text));
  QVERIFY2(text.contains(problem), qPrintable(text));
  QVERIFY2(!text.contains('\n'), qPrintable(text));

  // The in-memory parsers must agree with the file loaders.
  try {
    if (format == "csv") {
      load_digits_csv(as_span(primary), "memory.csv");
    } else {
      parse_idx(as_span(primary), as_span(secondary), "images", "labels");
    }
    QFAIL("the in-memory parser accepted what the file loader refused");
  } catch (const DataError&) {
  }
}

void TestData::missingFileNamesPath() {
  const std::string missing = temp_.filePath("does-not-exist.csv").toStdString();
  try {
    load_digits_file(missing);
    QFAIL("no exception");
  } catch (const DataError& error) {
    QVERIFY(std::string(error.what()).find(missing) != std::string::npos);
  }
  try {
    read_file_bytes(temp_.path().toStdString());
    QFAIL("no exception");
  } catch (const DataError& error) {
    QVERIFY(std::string(error.what()).find("folder") != std::string::npos);
  }
}

void TestData::gzipBombIsCapped() {
  const QByteArray zeros(4 << 20, '\0');
  const QByteArray bomb = gzip(zeros);
  QVERIFY(bomb.size() < 20000);
  QVERIFY_THROWS_EXCEPTION(DataError, gunzip_if_compressed(as_span(bomb), "bomb.gz", 1 << 20));
  try {
    gunzip_if_compressed(as_span(bomb), "bomb.gz", 1 << 20);
  } catch (const DataError& error) {
    QVERIFY2(std::string(error.what()).find("bomb.gz: decompresses to more than 1 MiB") == 0,
             error.what());
  }
  QCOMPARE(gunzip_if_compressed(as_span(bomb), "bomb.gz", 4 << 20).size(), std::size_t{4 << 20});
}

void TestData::gzipMultiMember() {
  const QByteArray joined = gzip("hello, ") + gzip("world");
  const auto plain = gunzip_if_compressed(as_span(joined), "joined.gz");
  QCOMPARE(std::string(plain.begin(), plain.end()), std::string("hello, world"));
  const QByteArray not_gzip("\x1f plain", 7);
  QCOMPARE(gunzip_if_compressed(as_span(not_gzip), "plain").size(), std::size_t{7});
}

void TestData::splitIsStratifiedAndDeterministic() {
  const Dataset digits = load_embedded_digits();
  const double fraction = 0.2;
  const SplitIndices first = stratified_split_indices(digits.labels, 10, fraction, 42);
  const SplitIndices again = stratified_split_indices(digits.labels, 10, fraction, 42);
  const SplitIndices other = stratified_split_indices(digits.labels, 10, fraction, 43);
  QCOMPARE(first.train, again.train);
  QCOMPARE(first.validation, again.validation);
  QVERIFY(first.validation != other.validation);
  QCOMPARE(first.validation.size(), other.validation.size());

  QVERIFY(std::is_sorted(first.train.begin(), first.train.end()));
  QVERIFY(std::is_sorted(first.validation.begin(), first.validation.end()));
  std::set<std::int64_t> all(first.train.begin(), first.train.end());
  for (std::int64_t index : first.validation) QVERIFY(all.insert(index).second);  // no overlap
  QCOMPARE(all.size(), std::size_t{1797});
  QCOMPARE(*all.begin(), 0);
  QCOMPARE(*all.rbegin(), 1796);

  const DatasetSplit split = stratified_split(digits, fraction, 42);
  QCOMPARE(split.train.size() + split.validation.size(), 1797);
  QCOMPARE(split.validation.num_classes, 10);
  QCOMPARE(split.train.class_names, digits.class_names);
  const auto total = class_counts(digits.labels, 10);
  const auto validation = class_counts(split.validation.labels, 10);
  for (int c = 0; c < 10; ++c) {
    QVERIFY(std::abs(static_cast<double>(validation[c]) - fraction * total[c]) <= 1.0);
  }
  // The split's tensors are exactly the indexed rows.
  const auto index = torch::tensor(first.validation, torch::kInt64);
  QVERIFY(torch::equal(split.validation.features, digits.features.index_select(0, index)));
  QVERIFY(torch::equal(split.validation.labels, digits.labels.index_select(0, index)));
}

void TestData::splitTinyClasses() {
  // Class 0: 1 sample (stays in training); class 1: 2 samples (one each side even at 10%);
  // class 2: 3 samples at 90% (one must stay in training).
  const Dataset tiny = small_labelled_set({0, 1, 1, 2, 2, 2}, 3);
  const SplitIndices low = stratified_split_indices(tiny.labels, 3, 0.1, 1);
  QCOMPARE(class_counts(select_rows(tiny, low.validation).labels, 3),
           (std::vector<std::int64_t>{0, 1, 1}));
  const SplitIndices high = stratified_split_indices(tiny.labels, 3, 0.9, 1);
  QCOMPARE(class_counts(select_rows(tiny, high.train).labels, 3),
           (std::vector<std::int64_t>{1, 1, 1}));
}

void TestData::threeWaySplitHoldsOutAStratifiedTestSet() {
  const Dataset digits = load_embedded_digits();
  const SplitIndices three = stratified_split_indices(digits.labels, 10, 0.2, 0.2, 42);
  QCOMPARE(three.test, stratified_split_indices(digits.labels, 10, 0.2, 0.2, 42).test);
  QVERIFY(three.test != stratified_split_indices(digits.labels, 10, 0.2, 0.2, 43).test);
  QVERIFY(std::is_sorted(three.test.begin(), three.test.end()));
  std::set<std::int64_t> all(three.train.begin(), three.train.end());
  for (const auto* side : {&three.validation, &three.test}) {
    for (std::int64_t index : *side) QVERIFY(all.insert(index).second);  // no overlap
  }
  QCOMPARE(all.size(), std::size_t{1797});
  const auto total = class_counts(digits.labels, 10);
  const auto test = class_counts(select_rows(digits, three.test).labels, 10);
  for (int c = 0; c < 10; ++c) QVERIFY(std::abs(static_cast<double>(test[c]) - 0.2 * total[c]) <= 1.0);
  // The validation rows do not depend on whether a test set is held out.
  QCOMPARE(three.validation, stratified_split_indices(digits.labels, 10, 0.2, 42).validation);
  // Classes too small for three sides keep training and validation first.
  const Dataset tiny = small_labelled_set({0, 1, 1, 2, 2, 2}, 3);
  const SplitIndices small = stratified_split_indices(tiny.labels, 3, 0.2, 0.2, 1);
  QCOMPARE(class_counts(select_rows(tiny, small.test).labels, 3),
           (std::vector<std::int64_t>{0, 0, 1}));
  QCOMPARE(class_counts(select_rows(tiny, small.train).labels, 3),
           (std::vector<std::int64_t>{1, 1, 1}));
}

void TestData::splitRejectsBadFraction() {
  const Dataset tiny = small_labelled_set({0, 1, 0, 1}, 2);
  for (double fraction : {0.0, 1.0, -0.5, 2.0, std::nan("")}) {
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stratified_split(tiny, fraction, 1));
  }
  const Dataset wrong = small_labelled_set({0, 1, 5}, 2);
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stratified_split(wrong, 0.5, 1));
}

void TestData::subsetIsStratifiedAndDeterministic() {
  const Dataset digits = load_embedded_digits();
  const Dataset subset = stratified_subset(digits, 500, 7);
  QCOMPARE(subset.size(), 500);
  QVERIFY(torch::equal(subset.features, stratified_subset(digits, 500, 7).features));
  QVERIFY(!torch::equal(subset.labels, stratified_subset(digits, 500, 8).labels) ||
          !torch::equal(subset.features, stratified_subset(digits, 500, 8).features));
  const auto total = class_counts(digits.labels, 10);
  const auto chosen = class_counts(subset.labels, 10);
  for (int c = 0; c < 10; ++c) {
    QVERIFY(std::abs(static_cast<double>(chosen[c]) - 500.0 * total[c] / 1797.0) <= 1.0);
  }
  QCOMPARE(stratified_subset(digits, 5000, 7).size(), 1797);

  // A rare class survives a small subset.
  std::vector<std::int64_t> labels(100, 0);
  labels[50] = 1;
  const Dataset skewed = small_labelled_set(labels, 2);
  const Dataset small = stratified_subset(skewed, 10, 3);
  QCOMPARE(class_counts(small.labels, 2), (std::vector<std::int64_t>{9, 1}));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stratified_subset(skewed, 0, 3));
}

void TestData::syntheticShapeAndDeterminism() {
  SyntheticDataOptions options;
  options.clusters = 4;
  options.dimension = 8;
  options.samples = 402;
  options.offset = 100.0;
  options.spread = 0.5;

  torch::manual_seed(1);
  const Dataset first = generate_synthetic(options, 11);
  torch::manual_seed(999);  // the global torch seed must not matter
  const Dataset again = generate_synthetic(options, 11);
  const Dataset other = generate_synthetic(options, 12);
  QCOMPARE(first.size(), 402);
  QCOMPARE(first.dimension(), 8);
  QCOMPARE(first.num_classes, 4);
  QCOMPARE(first.name, std::string("synthetic"));
  QCOMPARE(first.class_names.size(), std::size_t{4});
  QVERIFY(torch::equal(first.features, again.features));
  QVERIFY(torch::equal(first.labels, again.labels));
  QVERIFY(!torch::equal(first.features, other.features));
  QCOMPARE(class_counts(first.labels, 4), (std::vector<std::int64_t>{101, 101, 100, 100}));
  validate_dataset(first, "synthetic");

  // The offset moves everything; the centres average out near it.
  QVERIFY(std::abs(first.features.mean().item<double>() - 100.0) < 5.0);
  // Within a cluster the spread is what was asked for.
  const torch::Tensor cluster =
      first.features.index_select(0, torch::nonzero(first.labels == 0).squeeze(1));
  const double within = cluster.std(0).mean().item<double>();
  QVERIFY2(within > 0.4 && within < 0.6, qPrintable(QString::number(within)));
}

void TestData::syntheticRejectsBadOptions_data() {
  QTest::addColumn<QString>("field");
  QTest::addColumn<double>("value");
  QTest::newRow("1 cluster") << "clusters" << 1.0;
  QTest::newRow("1001 clusters") << "clusters" << 1001.0;
  QTest::newRow("dimension 0") << "dimension" << 0.0;
  QTest::newRow("dimension 100001") << "dimension" << 100001.0;
  QTest::newRow("spread 0") << "spread" << 0.0;
  QTest::newRow("spread -1") << "spread" << -1.0;
  QTest::newRow("spread NaN") << "spread" << std::nan("");
  QTest::newRow("separation -1") << "separation" << -1.0;
  QTest::newRow("offset inf") << "offset" << HUGE_VAL;
  QTest::newRow("samples 19") << "samples" << 19.0;
  QTest::newRow("samples huge") << "samples" << 2e9;
}

void TestData::syntheticRejectsBadOptions() {
  QFETCH(QString, field);
  QFETCH(double, value);
  SyntheticDataOptions options;  // 10 clusters
  if (field == "clusters") options.clusters = static_cast<int>(value);
  if (field == "dimension") options.dimension = static_cast<int>(value);
  if (field == "spread") options.spread = value;
  if (field == "separation") options.separation = value;
  if (field == "offset") options.offset = value;
  if (field == "samples") options.samples = static_cast<int>(value);
  try {
    generate_synthetic(options, 1);
    QFAIL("accepted");
  } catch (const std::invalid_argument& error) {
    QVERIFY2(QString(error.what()).startsWith("synthetic." + field), error.what());
  }
}

void TestData::loadDatasetDispatches() {
  DataConfig config;
  const DatasetSplit digits = load_dataset(config, 5);
  QCOMPARE(digits.train.size() + digits.validation.size() + digits.test.size(), 1797);
  QVERIFY(std::abs(digits.validation.size() - 0.2 * 1797) <= 10);
  QVERIFY(std::abs(digits.test.size() - 0.2 * 1797) <= 10);
  QCOMPARE(digits.train.name, std::string("digits"));

  config.max_samples = 300;
  const DatasetSplit small = load_dataset(config, 5);
  QCOMPARE(small.train.size() + small.validation.size() + small.test.size(), 300);
  QCOMPARE(small.validation.size(), 60);
  QCOMPARE(small.test.size(), 60);
  const DatasetSplit small_again = load_dataset(config, 5);
  QVERIFY(torch::equal(small.validation.features, small_again.validation.features));

  config = DataConfig{};
  config.kind = DatasetKind::Synthetic;
  config.synthetic.samples = 100;
  config.synthetic.clusters = 5;
  config.synthetic.dimension = 3;
  const DatasetSplit synthetic = load_dataset(config, 5);
  QCOMPARE(synthetic.train.dimension(), 3);
  QCOMPARE(synthetic.validation.size(), 20);
  QCOMPARE(class_counts(synthetic.validation.labels, 5), (std::vector<std::int64_t>(5, 4)));

  config = DataConfig{};
  config.kind = DatasetKind::Idx;
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load_dataset(config, 5));
  config.idx_dir = temp_.filePath("idx-for-loader").toStdString();
  QVERIFY(QDir().mkpath(QString::fromStdString(config.idx_dir)));
  std::vector<int> labels;
  for (int i = 0; i < 40; ++i) labels.push_back(i % 4);
  QVERIFY(write_file(QString::fromStdString(config.idx_dir) + "/train-images-idx3-ubyte",
                     idx_images(40, 3, 3)));
  QVERIFY(write_file(QString::fromStdString(config.idx_dir) + "/train-labels-idx1-ubyte",
                     idx_labels(labels)));
  config.validation_fraction = 0.2;
  const DatasetSplit idx = load_dataset(config, 5);
  QCOMPARE(idx.train.size(), 24);
  QCOMPARE(idx.validation.size(), 8);
  QCOMPARE(idx.test.size(), 8);
  QCOMPARE(idx.train.num_classes, 4);

  config.max_samples = -1;
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, load_dataset(config, 5));
}

void TestData::validateDatasetCatchesBadTensors() {
  Dataset good = small_labelled_set({0, 1, 0, 1}, 2);
  validate_dataset(good, "good");

  Dataset nan = good;
  nan.features = good.features.clone();
  nan.features[1][0] = std::nanf("");
  QVERIFY_THROWS_EXCEPTION(DataError, validate_dataset(nan, "nan"));

  Dataset out_of_range = good;
  out_of_range.labels = torch::tensor(std::vector<std::int64_t>{0, 1, 2, 1});
  QVERIFY_THROWS_EXCEPTION(DataError, validate_dataset(out_of_range, "range"));

  Dataset one_class = small_labelled_set({0, 0}, 1);
  QVERIFY_THROWS_EXCEPTION(DataError, validate_dataset(one_class, "one"));

  Dataset wrong_type = good;
  wrong_type.features = good.features.to(torch::kFloat64);
  QVERIFY_THROWS_EXCEPTION(DataError, validate_dataset(wrong_type, "type"));
}

QTEST_APPLESS_MAIN(TestData)
#include "test_data.moc"
