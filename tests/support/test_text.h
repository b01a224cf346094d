#pragma once
// Small text helpers the test suites share: a command line split into words, a file's bytes.

#include <QByteArray>
#include <QFile>
#include <QString>
#include <string>
#include <vector>

// "--seed 3 --out x" as the argument list a parser gets (no quoting: tests keep words simple).
inline std::vector<std::string> words(const QString& line) {
  std::vector<std::string> out;
  for (const auto& w : line.split(' ', Qt::SkipEmptyParts)) out.push_back(w.toStdString());
  return out;
}

// The file's bytes, or nothing when it cannot be read.
inline QByteArray read(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
