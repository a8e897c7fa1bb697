package io.vswitch.vethbridge;

import io.vswitch.vethbridge.netns.Netns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Lifecycle shared by the real-namespace tests: skip unless root, a root-namespace handle, this
 * JVM's objects removed after every test (pass or fail), and nothing of ours left at the end.
 */
abstract class NetTestBase {
    static Netns root;

    @BeforeAll
    static void openRoot() throws Exception {
        TestNet.assumeRoot();
        root = Netns.root();
    }

    @AfterEach
    void removeWhatTheTestMade() throws Exception {
        TestNet.cleanupAll();
    }

    @AfterAll
    static void nothingLeft() throws Exception {
        if (root != null) {
            root.close();
            root = null;
        }
        TestNet.assertNothingLeft();
    }
}
