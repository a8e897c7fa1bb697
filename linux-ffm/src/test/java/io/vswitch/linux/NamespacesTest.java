package io.vswitch.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The namespace worker: tasks run inside, the worker comes back after success and failure, nesting runs inline. */
class NamespacesTest {
    /** The inode of the calling thread's network namespace. */
    private static long currentNetns() throws Exception {
        return (Long) Files.getAttribute(Path.of("/proc/thread-self/ns/net"), "unix:ino");
    }

    @Test
    void tasksRunInsideAndTheWorkerAlwaysComesBack() throws Exception {
        VethPair.assumeRoot();
        long here = currentNetns();
        int fresh = Namespaces.callInNew(() -> Namespaces.open("/proc/thread-self/ns/net"));
        try {
            long freshIno = Namespaces.callIn(fresh, NamespacesTest::currentNetns);
            assertNotEquals(here, freshIno);
            // a failing task: the exception arrives as thrown, and the worker is back home afterwards
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Namespaces.callIn(fresh, () -> { throw new IllegalStateException("boom"); }));
            assertEquals("boom", e.getMessage());
            int rootFd = Namespaces.open("/proc/self/ns/net");
            try {
                assertEquals(here, (long) Namespaces.callIn(rootFd, NamespacesTest::currentNetns));
                // nested: the inner call runs inline on the worker and returns it to the outer namespace
                long[] seen = new long[2];
                Namespaces.callIn(fresh, () -> {
                    seen[0] = Namespaces.callIn(rootFd, NamespacesTest::currentNetns);
                    seen[1] = currentNetns();
                    return null;
                });
                assertEquals(here, seen[0]);
                assertEquals(freshIno, seen[1]);
            } finally {
                Namespaces.close(rootFd);
            }
            assertEquals(here, currentNetns(), "the caller never moved");
        } finally {
            Namespaces.close(fresh);
        }
        LinuxException bad = assertThrows(LinuxException.class, () -> Namespaces.callIn(-1, () -> null));
        assertEquals(Errno.EBADF, bad.errno());
    }
}
