package io.vswitch.vswitchd;

import static io.vswitch.vswitchd.ControllerConnectionTest.of13;
import static io.vswitch.vswitchd.ControllerConnectionTest.read;
import static io.vswitch.vswitchd.ControllerConnectionTest.send;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.*;

/**
 * Fail modes when the controller goes away, as Open vSwitch behaves: a fail-standalone bridge whose controller
 * has been unreachable for three probe intervals switches every packet by NORMAL (fail-open) and stops as soon as
 * a controller connects again, its flow tables untouched; a fail-secure bridge keeps following its tables.
 */
class FailModeTest extends DaemonTestBase {
    ServerSocket server;
    Socket controller;
    Thread echoer;

    @Override
    int probeSeconds() { return 1; }

    @AfterEach
    void stopController() throws Exception {
        if (controller != null) controller.close();
        if (server != null) server.close();
        if (echoer != null) echoer.join(5000);
    }

    /** Accepts the switch, completes the handshake, deletes every flow, and from then on answers echo requests. */
    Socket acceptController() throws Exception {
        Socket s = server.accept();
        s.setSoTimeout(10_000);
        assertInstanceOf(OFHello.class, read(s));
        send(s, of13.buildHello().build());
        send(s, of13.buildFlowDelete().setXid(1).setTableId(org.projectfloodlight.openflow.types.TableId.ALL).build());
        send(s, of13.buildBarrierRequest().setXid(2).build());
        OFMessage m;
        do {
            m = read(s);
        } while (!(m instanceof OFBarrierReply));
        echoer = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    if (read(s) instanceof OFEchoRequest e) send(s, of13.buildEchoReply().setXid(e.getXid()).setData(e.getData()).build());
                }
            } catch (Exception closed) {
                // the test closed the connection
            }
        });
        return s;
    }

    ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        s.setSoTimeout(15_000);
        return s;
    }

    @Test
    void standaloneFailsOpenWhenTheControllerIsLostAndStopsWhenItReturns() throws Exception {
        String p1 = net.host("h1", "10.0.0.1"), p2 = net.host("h2", "10.0.0.2");
        ok("add-br", "br0", "fail-mode=standalone");
        ok("add-port", "br0", p1);
        ok("add-port", "br0", p2);
        server = listen(0);
        int port = server.getLocalPort();
        ok("set-controller", "br0", "tcp:127.0.0.1:" + port);
        var session = daemon.bridge("br0").openflow;

        controller = acceptController();
        assertFalse(session.failingOpen());
        assertFalse(net.ping("h1", "10.0.0.2", 1), "the controller emptied the tables: nothing is forwarded");

        // The controller dies and does not come back: after three 1 s probe intervals the bridge fails open.
        controller.close();
        server.close();
        assertTrue(await(session::failingOpen, 10), "fail-open within 10 s of losing the controller");
        assertTrue(ok("show").contains("fail-open"), ok("show"));
        assertTrue(net.ping("h1", "10.0.0.2", 3), "fail-open: switched by NORMAL");
        assertEquals(0, daemon.bridge("br0").pipeline().tables().totalEntries(), "the tables were not touched");

        // The controller comes back: its (empty) tables decide again.
        server = listen(port);
        controller = acceptController();
        assertTrue(await(() -> !session.failingOpen(), 10), "fail-open ends when a controller connects");
        assertFalse(net.ping("h1", "10.0.0.2", 1), "the tables decide again");
    }

    @Test
    void secureNeverFailsOpen() throws Exception {
        ok("add-br", "sec", "fail-mode=secure");
        ok("add-br", "std", "fail-mode=standalone");
        server = listen(0);
        int port = server.getLocalPort();
        server.close(); // nobody listens: both bridges try in vain
        ok("set-controller", "sec", "tcp:127.0.0.1:" + port);
        ok("set-controller", "std", "tcp:127.0.0.1:" + port);
        // The standalone bridge is the witness that the fail-open delay has passed.
        assertTrue(await(daemon.bridge("std").openflow::failingOpen, 10));
        assertFalse(daemon.bridge("sec").openflow.failingOpen(), "fail-secure does not fail open");

        // Switching the failing bridge to secure ends fail-open at once; passive listeners are not controllers.
        ok("set-fail-mode", "std", "secure");
        var std = daemon.bridge("std").pipeline();
        assertTrue(await(() -> !std.failOpen(), 5));
        ok("set-fail-mode", "std", "standalone");
        ok("set-controller", "std", "ptcp:0:127.0.0.1");
        assertFalse(daemon.bridge("std").pipeline().failOpen(), "removing the active targets ends fail-open");
    }
}
