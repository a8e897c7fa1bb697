package io.vswitch.datapath.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A reactive controller's pattern: many new flows, each first cached by the table-miss entry, then given an exact
 * entry of its own in table 0. Each add must invalidate exactly the decisions it changes (CachedDecisions finds
 * them by megaflow value instead of sweeping them all) and stay cheap as decisions pile up.
 */
class ReactiveAddTest {
    private static String flow(int i) {
        return "in_port=1,udp,nw_src=10.1." + (i >> 8) + "." + (i & 255) + ",nw_dst=10.0.0.2,tp_src=" + (1000 + i) + ",tp_dst=9";
    }

    private static String entry(int i) {
        return "priority=10,in_port=1,udp,nw_src=10.1." + (i >> 8) + "." + (i & 255) + ",tp_src=" + (1000 + i) + ",actions=output:2";
    }

    @Test
    void eachAddInvalidatesItsOwnFlowOnly() {
        // One exact entry first, so every later translation probes (and un-wildcards) the exact subtable's mask.
        Bridge b = new Bridge(4).flows("priority=0,actions=output:3", entry(9999));
        int n = 2000;
        for (int i = 0; i < n; i++) assertEquals(List.of("3"), b.send(flow(i)));
        int cachedBefore = b.pipeline.cachedCount();
        for (int i = 0; i < n; i += 2) b.flows(entry(i));
        assertEquals(cachedBefore - n / 2, b.pipeline.cachedCount(), "exactly the flows given an entry were invalidated");
        for (int i = 0; i < n; i++) assertEquals(List.of(i % 2 == 0 ? "2" : "3"), b.send(flow(i)), "flow " + i);
        // A wider entry (mask not within the megaflows' mask) still finds every decision it covers.
        b.flows("priority=20,in_port=1,udp,actions=output:4");
        for (int i = 0; i < n; i += 7) assertEquals(List.of("4"), b.send(flow(i)), "flow " + i);
    }

    @Test
    void addsStayCheapAsDecisionsPileUp() {
        // New flows arrive faster than the controller answers: decisions pile up, then the entries come.
        Bridge b = new Bridge(3).flows("priority=0,actions=output:3", entry(60000));
        int n = 20_000;
        for (int i = 0; i < n; i++) b.send(flow(i));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            // A sweep per add: 20,000 adds x 10,000 decisions on average; a lookup per add: 20,000 lookups.
            for (int i = 0; i < n; i++) b.flows(entry(i));
        });
        assertEquals(0, b.pipeline.cachedCount());
    }
}
