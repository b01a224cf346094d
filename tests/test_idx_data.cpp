// The IDX loader (MNIST's format, Debian's Fashion-MNIST): plain and gzip files, labels and class
// counts, subsets read without the rest, files that claim too much, folders, and the real set
// when it is installed.
#include <torch/torch.h>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>
#include <cstdint>
#include <string>
#include <vector>

#include "data/data_error.h"
#include "data/dataset.h"
#include "data/dataset_loader.h"
#include "data/idx_loader.h"
#include "data/stratified_split.h"
#include "util/memory_budget.h"

#include "support/data_test_files.h"

using namespace moelab;
using namespace data_test;

class TestIdxData : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase();
  void idxPairPlainAndGzip();
  void idxLabelsSetClassCount();
  void idxLabelsOutsideTheClassesAreRefused_data();
  void idxLabelsOutsideTheClassesAreRefused();
  void idxSubsetReadsTheSameRowsAsAWholeLoad();
  void idxHugeSetIsRefusedBeforeReadingAndSubsetted();
  void idxGzipHeaderClaimingTooMuchIsRefused();
  void idxFolderConcatenatesTrainThenTest();
  void idxFolderTestOnlyAndFashionNames();
  void idxFolderErrors();
  void realFashionMnist();

 private:
  QTemporaryDir temp_;
};

void TestIdxData::initTestCase() { QVERIFY(temp_.isValid()); }

void TestIdxData::idxPairPlainAndGzip() {
  const QByteArray images = idx_images(4, 3, 2);
  const QByteArray labels = idx_labels({1, 0, 2, 1});
  const QString dir = temp_.filePath("pair");
  QVERIFY(QDir().mkpath(dir));
  QVERIFY(write_file(dir + "/i", images));
  QVERIFY(write_file(dir + "/l", labels));
  QVERIFY(write_file(dir + "/i.gz", gzip(images)));
  QVERIFY(write_file(dir + "/l.gz", gzip(labels)));

  const Dataset plain = load_idx_pair((dir + "/i").toStdString(), (dir + "/l").toStdString());
  const Dataset packed =
      load_idx_pair((dir + "/i.gz").toStdString(), (dir + "/l.gz").toStdString());
  QCOMPARE(plain.size(), 4);
  QCOMPARE(plain.dimension(), 6);
  QCOMPARE(plain.num_classes, 3);
  QCOMPARE(plain.class_names, (std::vector<std::string>{"0", "1", "2"}));
  QCOMPARE(plain.name, std::string("pair"));
  QCOMPARE(to_vector(plain.labels), (std::vector<std::int64_t>{1, 0, 2, 1}));
  // Image 2, pixel 5 (row 2, column 1) is (2 * 7 + 5) = 19.
  QCOMPARE(plain.features[2][5].item<float>(), 19.0f / 255.0f);
  QVERIFY(torch::equal(plain.features, packed.features));
  QVERIFY(torch::equal(plain.labels, packed.labels));
}

void TestIdxData::idxLabelsSetClassCount() {
  // Every value 0..255 present: 256 classes.
  std::vector<int> labels;
  for (int label = 0; label < 256; ++label) labels.push_back(255 - label);
  const Dataset dataset = parse_idx(as_span(idx_images(256, 1, 1)), as_span(idx_labels(labels)),
                                    "i", "l");
  QCOMPARE(dataset.num_classes, 256);
  QCOMPARE(dataset.class_names.size(), std::size_t{256});
  QCOMPARE(dataset.class_names.back(), std::string("255"));
  QCOMPARE(dataset.labels[0].item<std::int64_t>(), 255);
}

void TestIdxData::idxLabelsOutsideTheClassesAreRefused_data() {
  QTest::addColumn<QString>("folder");
  QTest::addColumn<std::vector<int>>("train");
  QTest::addColumn<std::vector<int>>("t10k");  // empty: no t10k pair
  QTest::addColumn<QString>("message");
  std::vector<int> ten;
  for (int i = 0; i < 20; ++i) ten.push_back(i % 10);
  std::vector<int> stray = ten;
  stray[13] = 255;
  QTest::newRow("one stray 255 among 0-9")
      << "stray" << stray << std::vector<int>{}
      << "train-labels-idx1-ubyte.gz: label 255 at index 13 is outside the classes 0..9 (labels "
         "must be the classes 0..C-1, each present; no sample has label 10)";
  QTest::newRow("a gap: 0 1 2 4")
      << "gap" << std::vector<int>{0, 1, 2, 4, 0, 1, 2, 4} << std::vector<int>{}
      << "label 4 at index 3 is outside the classes 0..2";
  QTest::newRow("no label 0") << "no-zero" << std::vector<int>{1, 2, 1, 2} << std::vector<int>{}
                              << "label 1 at index 0 is outside the classes 0..C-1";
  QTest::newRow("the stray in the t10k file")
      << "t10k-stray" << ten << std::vector<int>{0, 1, 200, 3}
      << "t10k-labels-idx1-ubyte: label 200 at index 2 is outside the classes 0..9";
  std::vector<int> twelve = ten;
  twelve.insert(twelve.end(), {10, 11});
  QTest::newRow("Fashion-MNIST has 10 classes")
      << "my-fashion" << twelve << std::vector<int>{}
      << "label 10 at index 20 is outside the 10 classes 0..9 of a Fashion-MNIST folder";
}

void TestIdxData::idxLabelsOutsideTheClassesAreRefused() {
  QFETCH(QString, folder);
  QFETCH(std::vector<int>, train);
  QFETCH(std::vector<int>, t10k);
  QFETCH(QString, message);
  const QString dir = temp_.filePath("labels-" + folder);
  QVERIFY(QDir().mkpath(dir));
  const auto count = static_cast<std::uint32_t>(train.size());
  QVERIFY(write_file(dir + "/train-images-idx3-ubyte", idx_images(count, 2, 2)));
  QVERIFY(write_file(dir + "/train-labels-idx1-ubyte.gz", gzip(idx_labels(train))));
  if (!t10k.empty()) {
    const auto t10k_count = static_cast<std::uint32_t>(t10k.size());
    QVERIFY(write_file(dir + "/t10k-images-idx3-ubyte", idx_images(t10k_count, 2, 2)));
    QVERIFY(write_file(dir + "/t10k-labels-idx1-ubyte", idx_labels(t10k)));
  }
  try {
    load_idx_folder(dir.toStdString());
    QFAIL("accepted");
  } catch (const DataError& error) {
    const QString text = QString::fromUtf8(error.what());
    QVERIFY2(text.startsWith(dir + "/"), qPrintable(text));
    QVERIFY2(text.contains(message), qPrintable(text));
  }
}

// A subset read from the files (only its images kept) is the subset of the whole set, row for
// row, across the train and t10k files, plain and compressed.
void TestIdxData::idxSubsetReadsTheSameRowsAsAWholeLoad() {
  const QString dir = temp_.filePath("subset-stream");
  QVERIFY(QDir().mkpath(dir));
  std::vector<int> train, t10k;
  for (int i = 0; i < 300; ++i) train.push_back((i * 7) % 5);
  for (int i = 0; i < 90; ++i) t10k.push_back((i * 3) % 5);
  QVERIFY(write_file(dir + "/train-images-idx3-ubyte.gz", gzip(idx_images(300, 3, 5))));
  QVERIFY(write_file(dir + "/train-labels-idx1-ubyte", idx_labels(train)));
  QVERIFY(write_file(dir + "/t10k-images-idx3-ubyte", idx_images(90, 3, 5)));
  QVERIFY(write_file(dir + "/t10k-labels-idx1-ubyte.gz", gzip(idx_labels(t10k))));
  const Dataset whole = load_idx_folder(dir.toStdString());
  QCOMPARE(whole.size(), 390);
  for (int max_samples : {2, 5, 37, 200, 389, 390, 1000}) {
    for (std::uint64_t seed : {1u, 9u}) {
      const Dataset streamed = load_idx_folder(dir.toStdString(), {max_samples, seed});
      const Dataset expected = stratified_subset(whole, max_samples, seed);
      QCOMPARE(streamed.size(), expected.size());
      QVERIFY(torch::equal(streamed.features, expected.features));
      QVERIFY(torch::equal(streamed.labels, expected.labels));
      QCOMPARE(streamed.num_classes, 5);
    }
  }
}

// A set whose header announces more than memory can hold is refused before its payload is read,
// and a subset of it costs only what is kept. The files are sparse: 15.7 GB of images that take no
// disk space.
void TestIdxData::idxHugeSetIsRefusedBeforeReadingAndSubsetted() {
  const QString dir = temp_.filePath("huge-sparse");
  QVERIFY(QDir().mkpath(dir));
  constexpr std::uint32_t kCount = 20'000'000;
  QFile images(dir + "/train-images-idx3-ubyte");
  QVERIFY(images.open(QIODevice::WriteOnly));
  images.write(big_endian(0x803) + big_endian(kCount) + big_endian(28) + big_endian(28));
  if (!images.resize(16 + qint64{kCount} * 784)) QSKIP("this file system has no sparse files");
  images.close();
  QFile labels(dir + "/train-labels-idx1-ubyte");
  QVERIFY(labels.open(QIODevice::WriteOnly));
  labels.write(big_endian(0x801) + big_endian(kCount));
  QVERIFY(labels.resize(8 + qint64{kCount}));
  // Two classes: label 1 on every 1000th sample, 0 (the sparse file's zeros) elsewhere.
  for (qint64 i = 0; i < kCount; i += 1000) {
    labels.seek(8 + i);
    labels.putChar(1);
  }
  labels.close();

  const MemoryBudget budget = available_memory();
  if (estimate_dataset_bytes(kCount, 784) <= budget.bytes) QSKIP("this machine has the memory");
  try {
    load_idx_folder(dir.toStdString());
    QFAIL("accepted");
  } catch (const DataError& error) {
    const QString text = QString::fromUtf8(error.what());
    QVERIFY2(text.contains("20000000 images of 28x28"), qPrintable(text));
    QVERIFY2(text.contains("set data.max_samples (--max-samples) to at most"), qPrintable(text));
  }
  const Dataset subset = load_idx_folder(dir.toStdString(), {2000, 3});
  QCOMPARE(subset.size(), 2000);
  QCOMPARE(subset.num_classes, 2);
  QCOMPARE(class_counts(subset.labels, 2), (std::vector<std::int64_t>{1998, 2}));
}

// A gzip file cannot hold more than about 1032 times its size; a header that claims more is
// refused before decompression (a bomb would otherwise be read through for minutes).
void TestIdxData::idxGzipHeaderClaimingTooMuchIsRefused() {
  const QByteArray images = gzip(idx_images(0x7fffffffu, 28, 28, QByteArray(784 * 3, '\0')));
  const QByteArray labels = gzip(idx_labels({0, 1, 0}));
  try {
    parse_idx(as_span(images), as_span(labels), "bomb.gz", "labels.gz");
    QFAIL("accepted");
  } catch (const DataError& error) {
    const QString text = QString::fromUtf8(error.what());
    QVERIFY2(text.startsWith("bomb.gz: truncated: the header announces 2147483647 images"),
             qPrintable(text));
    QVERIFY2(text.contains("more than a gzip file of"), qPrintable(text));
  }
}

void TestIdxData::idxFolderConcatenatesTrainThenTest() {
  const QString dir = temp_.filePath("mnist-like");
  QVERIFY(QDir().mkpath(dir));
  QVERIFY(write_file(dir + "/train-images-idx3-ubyte.gz", gzip(idx_images(5, 2, 2))));
  QVERIFY(write_file(dir + "/train-labels-idx1-ubyte.gz", gzip(idx_labels({0, 1, 2, 3, 4}))));
  QVERIFY(write_file(dir + "/t10k-images-idx3-ubyte", idx_images(2, 2, 2)));
  QVERIFY(write_file(dir + "/t10k-labels-idx1-ubyte", idx_labels({5, 0})));

  const Dataset dataset = load_idx_folder(dir.toStdString());
  QCOMPARE(dataset.size(), 7);
  QCOMPARE(dataset.num_classes, 6);
  QCOMPARE(dataset.name, std::string("mnist-like"));
  QCOMPARE(to_vector(dataset.labels), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 0}));
  // The first t10k image follows the five train images and restarts the pixel pattern.
  QCOMPARE(dataset.features[5][1].item<float>(), 1.0f / 255.0f);
  QCOMPARE(dataset.features[4][0].item<float>(), 28.0f / 255.0f);
  QCOMPARE(dataset.class_names.front(), std::string("0"));

  // A trailing slash names the same folder.
  QCOMPARE(load_idx_folder((dir + "/").toStdString()).name, std::string("mnist-like"));
}

void TestIdxData::idxFolderTestOnlyAndFashionNames() {
  const QString dir = temp_.filePath("my-Fashion-set");
  QVERIFY(QDir().mkpath(dir));
  std::vector<int> labels;
  for (int i = 0; i < 20; ++i) labels.push_back(i % 10);
  QVERIFY(write_file(dir + "/t10k-images-idx3-ubyte", idx_images(20, 4, 4)));
  QVERIFY(write_file(dir + "/t10k-labels-idx1-ubyte.gz", gzip(idx_labels(labels))));
  const Dataset dataset = load_idx_folder(dir.toStdString());
  QCOMPARE(dataset.size(), 20);
  QCOMPARE(dataset.dimension(), 16);
  QCOMPARE(dataset.class_names.size(), std::size_t{10});
  QCOMPARE(dataset.class_names.front(), std::string("T-shirt/top"));
  QCOMPARE(dataset.class_names.back(), std::string("Ankle boot"));
}

void TestIdxData::idxFolderErrors() {
  const auto expect_error = [](const QString& dir, const QString& named, const QString& problem) {
    try {
      load_idx_folder(dir.toStdString());
    } catch (const DataError& error) {
      const QString text = QString::fromUtf8(error.what());
      return text.contains(named) && text.contains(problem);
    }
    return false;
  };
  const QString missing = temp_.filePath("no-such-folder");
  QVERIFY(expect_error(missing, missing, "no such folder"));

  const QString empty = temp_.filePath("empty-folder");
  QVERIFY(QDir().mkpath(empty));
  QVERIFY(expect_error(empty, empty, "no IDX data found"));

  const QString lonely = temp_.filePath("lonely");
  QVERIFY(QDir().mkpath(lonely));
  QVERIFY(write_file(lonely + "/train-images-idx3-ubyte", idx_images(2, 2, 2)));
  QVERIFY(expect_error(lonely, lonely + "/train-images-idx3-ubyte", "no matching train-labels"));

  const QString mismatch = temp_.filePath("mismatch");
  QVERIFY(QDir().mkpath(mismatch));
  QVERIFY(write_file(mismatch + "/train-images-idx3-ubyte", idx_images(2, 2, 2)));
  QVERIFY(write_file(mismatch + "/train-labels-idx1-ubyte", idx_labels({0, 1})));
  QVERIFY(write_file(mismatch + "/t10k-images-idx3-ubyte", idx_images(2, 3, 3)));
  QVERIFY(write_file(mismatch + "/t10k-labels-idx1-ubyte", idx_labels({0, 1})));
  QVERIFY(expect_error(mismatch, mismatch + "/t10k-images-idx3-ubyte", "are 3x3 but"));
}

void TestIdxData::realFashionMnist() {
  if (!QDir(kFashionDir).exists()) QSKIP("Fashion-MNIST is not installed (dataset-fashion-mnist)");
  const Dataset fashion = load_idx_folder(kFashionDir);
  QCOMPARE(fashion.size(), 70000);
  QCOMPARE(fashion.dimension(), 784);
  QCOMPARE(fashion.num_classes, 10);
  QCOMPARE(fashion.name, std::string("fashion-mnist"));
  QCOMPARE(fashion.class_names[9], std::string("Ankle boot"));
  QVERIFY(fashion.features.min().item<float>() >= 0.0f);
  QVERIFY(fashion.features.max().item<float>() <= 1.0f);
  for (std::int64_t count : class_counts(fashion.labels, 10)) QCOMPARE(count, 7000);
  // The first training image is an ankle boot, the first test image too.
  QCOMPARE(fashion.labels[0].item<std::int64_t>(), 9);
  QCOMPARE(fashion.labels[60000].item<std::int64_t>(), 9);
}

QTEST_APPLESS_MAIN(TestIdxData)
#include "test_idx_data.moc"
