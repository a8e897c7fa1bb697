package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class EpollTest {
    @AfterAll
    static void noneLeft() throws Exception {
        VethPair.assertNoneLeft();
    }

    @Test
    void reportsReadableSocketByToken() throws Exception {
        try (VethPair veth = VethPair.create();
             Arena arena = Arena.ofConfined();
             AfPacketSocket sa = AfPacketSocket.open(veth.a, 8);
             AfPacketSocket sb = AfPacketSocket.open(veth.b, 8);
             Epoll epoll = Epoll.open()) {
            epoll.add(sb.fd(), 42);
            epoll.add(sa.fd(), -7);
            int[] tokens = new int[8];
            assertEquals(0, epoll.wait(tokens, 0), "nothing readable yet");

            MemorySegment[] bufs = {arena.allocate(Frames.BUF)};
            assertEquals(1, Frames.send(sa, bufs, List.of(Frames.frame(1, 64))));
            int n = epoll.wait(tokens, 3000);
            assertEquals(1, n);
            assertEquals(42, tokens[0]);
            // Level-triggered: still readable until received.
            assertEquals(1, epoll.wait(tokens, 0));
            assertEquals(1, Frames.receive(sb, bufs, 2048, 1, 1000).frames().size());
            assertEquals(0, epoll.wait(tokens, 0));

            epoll.remove(sb.fd());
            assertEquals(1, Frames.send(sa, bufs, List.of(Frames.frame(2, 64))));
            assertEquals(0, epoll.wait(tokens, 200), "removed fd is not reported");
        }
    }

    @Test
    void wakeupFromAnotherThreadEndsWait() throws Exception {
        try (Epoll epoll = Epoll.open()) {
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waker = new Thread(() -> {
                try {
                    waiting.await();
                    Thread.sleep(100);
                    epoll.wakeup();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            waker.start();
            try {
                int[] tokens = new int[4];
                long t0 = System.nanoTime();
                waiting.countDown();
                assertEquals(0, epoll.wait(tokens, 10_000), "the wakeup is not reported as a token");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(ms < 5_000, "woke after " + ms + " ms");
            } finally {
                waker.join(10_000);
            }
            // Drained: the next wait times out instead of returning at once.
            long t1 = System.nanoTime();
            assertEquals(0, epoll.wait(new int[4], 100));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1) >= 90);
        }
    }

    @Test
    void wakeupBeforeWaitMakesItReturnAtOnce() throws Exception {
        try (Epoll epoll = Epoll.open()) {
            epoll.wakeup();
            epoll.wakeup();
            long t0 = System.nanoTime();
            assertEquals(0, epoll.wait(new int[4], 10_000));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000);
        }
    }

    @Test
    void errorsNameTheFd() throws Exception {
        try (Epoll epoll = Epoll.open()) {
            LinuxException e = assertThrows(LinuxException.class, () -> epoll.add(987654, 1));
            assertEquals(Errno.EBADF, e.errno());
            assertTrue(e.getMessage().startsWith("epoll_ctl ADD fd 987654: "), e.getMessage());
            assertTrue(e.getMessage().endsWith("(EBADF)"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Epoll.open(0));
    }
}
