// The hand-off every run's reports take to the GUI thread (ui/thread_mailbox.h): tasks posted from
// real threads run on the mailbox's thread, each poster's in its order; a task that opens a nested
// event loop (a modal dialog) does not reorder the rest; a task that destroys the owner ends the
// drain; pending tasks die with the mailbox. scripts/sanitize.sh thread runs this suite too.

#include <QEventLoop>
#include <QThread>
#include <QTimer>
#include <QtTest>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "thread_mailbox.h"

using moelab::ui::ThreadMailbox;

class TestUiThreadMailbox : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void postsFromManyThreadsRunOnTheReceiversThreadInOrder() {
    constexpr int kThreads = 4;
    constexpr int kPosts = 500;
    ThreadMailbox mailbox;
    std::vector<std::pair<int, int>> received;  // touched on this thread only
    bool all_on_this_thread = true;
    QThread* const here = QThread::currentThread();
    std::vector<std::thread> posters;
    for (int t = 0; t < kThreads; ++t) {
      posters.emplace_back([&mailbox, &received, &all_on_this_thread, here, t] {
        for (int i = 0; i < kPosts; ++i) {
          mailbox.post([&received, &all_on_this_thread, here, t, i] {
            all_on_this_thread = all_on_this_thread && QThread::currentThread() == here;
            received.emplace_back(t, i);
          });
        }
      });
    }
    for (auto& poster : posters) poster.join();
    QTRY_COMPARE(received.size(), std::size_t{kThreads * kPosts});
    QVERIFY(all_on_this_thread);
    std::vector<int> next(kThreads, 0);
    for (const auto& [t, i] : received) {
      QCOMPARE(i, next[t]);
      ++next[t];
    }
  }

  void aNestedEventLoopKeepsTheOrder() {
    ThreadMailbox mailbox;
    std::vector<std::string> order;
    mailbox.post([&] {
      order.push_back("A starts");
      // A poster on another thread while this task is running: its task must run in the nested
      // loop, after the ones already waiting.
      std::thread([&] { mailbox.post([&] { order.push_back("D"); }); }).join();
      QEventLoop nested;
      QTimer::singleShot(100, &nested, &QEventLoop::quit);
      nested.exec();
      order.push_back("A ends");
    });
    mailbox.post([&] { order.push_back("B"); });
    mailbox.post([&] { order.push_back("C"); });
    QTRY_COMPARE(order.size(), std::size_t{5});
    const std::vector<std::string> expected{"A starts", "B", "C", "D", "A ends"};
    QCOMPARE(order, expected);
  }

  void aTaskThatDestroysTheOwnerEndsTheDrain() {
    auto* mailbox = new ThreadMailbox;
    bool second_ran = false;
    mailbox->post([&] { delete mailbox; });
    mailbox->post([&] { second_ran = true; });
    QTest::qWait(50);
    QVERIFY(!second_ran);
  }

  void pendingTasksAreDroppedWithTheMailbox() {
    int ran = 0;
    {
      ThreadMailbox mailbox;
      std::thread([&] {
        for (int i = 0; i < 10; ++i) mailbox.post([&ran] { ++ran; });
      }).join();
    }
    QTest::qWait(50);
    QCOMPARE(ran, 0);
  }
};

QTEST_MAIN(TestUiThreadMailbox)
#include "test_ui_thread_mailbox.moc"
