package io.vswitch.openflow;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ReconnectTest {
    @Test
    void backsOffExponentiallyAndResetsAfterAStableConnection() {
        Reconnect r = new Reconnect(1000, 8000, 5000, 0);
        assertEquals(Reconnect.Action.CONNECT, r.run(0));
        r.connecting(0);
        assertEquals(Reconnect.Action.NONE, r.run(100));
        r.disconnected(100);
        assertEquals(1000, r.backoff());
        assertEquals(Reconnect.Action.NONE, r.run(1099));
        assertEquals(Reconnect.Action.CONNECT, r.run(1100));
        r.connecting(1100);
        r.disconnected(1200);
        assertEquals(2000, r.backoff());
        r.connecting(3200);
        r.disconnected(3300);
        assertEquals(4000, r.backoff());
        r.connecting(7300);
        r.disconnected(7400);
        assertEquals(8000, r.backoff());
        r.connecting(15400);
        r.disconnected(15500);
        assertEquals(8000, r.backoff(), "capped");
        r.connecting(23500);
        r.connected(23600);
        assertEquals(Long.MAX_VALUE, r.deadline());
        r.disconnected(23700); // dropped at once: no reset
        assertEquals(8000, r.backoff());
        r.connecting(31700);
        r.connected(31800);
        r.disconnected(31800 + 8000); // stayed up long enough
        assertEquals(1000, r.backoff());
    }

    @Test
    void connectTimeout() {
        Reconnect r = new Reconnect(1000, 8000, 5000, 0);
        r.connecting(0);
        assertEquals(5000, r.deadline());
        assertEquals(Reconnect.Action.DISCONNECT, r.run(5000));
    }
}
