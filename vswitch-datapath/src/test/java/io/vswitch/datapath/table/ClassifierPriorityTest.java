package io.vswitch.datapath.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vswitch.datapath.ofctl.FlowParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A subtable's highest priority (the lookup order and its cut-off) stays right as entries come and go, cheaply. */
class ClassifierPriorityTest {
    private static long sequence;

    private static FlowEntry entry(String match, int priority) {
        return new FlowEntry(FlowMod.add(FlowParser.parseMatch(match)).priority(priority).build(), 0, sequence++);
    }

    private static FlowEntry lookup(Classifier c, String key) {
        return c.lookup(FlowParser.parseKey(key).words, null);
    }

    @Test
    void highestPriorityFollowsRemovalsWithinASubtable() {
        Classifier c = new Classifier();
        // Same mask (ip,nw_src) for a, b1, b2; a catch-all of priority 20 in its own subtable.
        FlowEntry a = entry("ip,nw_src=10.0.0.1", 30), b1 = entry("ip,nw_src=10.0.0.2", 10),
                b2 = entry("ip,nw_src=10.0.0.3", 30), any = entry("", 20);
        for (FlowEntry e : List.of(a, b1, b2, any)) c.insert(e);
        assertSame(b2, lookup(c, "ip,nw_src=10.0.0.3"));
        c.remove(a); // one of two at 30 goes: the subtable still outranks the catch-all
        assertSame(b2, lookup(c, "ip,nw_src=10.0.0.3"));
        c.remove(b2); // the last at 30 goes: the subtable's highest is now 10, searched after the catch-all
        assertSame(any, lookup(c, "ip,nw_src=10.0.0.2"));
        c.remove(any);
        assertSame(b1, lookup(c, "ip,nw_src=10.0.0.2"));
        c.remove(b1);
        assertNull(lookup(c, "ip,nw_src=10.0.0.2"));
        assertEquals(0, c.size());
    }

    @Test
    void removingManyEntriesOfOnePriorityIsLinear() {
        // Each removal used to rescan the whole subtable when it removed an entry of the highest priority.
        Classifier c = new Classifier();
        List<FlowEntry> all = new ArrayList<>();
        for (int i = 1; i <= 100_000; i++) {
            FlowEntry e = entry("ip,nw_src=10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), 100);
            all.add(e);
            c.insert(e);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> all.forEach(c::remove));
        assertEquals(0, c.size());
    }
}
