package io.vswitch.datapath.normal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MAC learning table behind the NORMAL action: which port a (VLAN, MAC) was last seen on.
 *
 * <p>Bounded (least recently learned entries are evicted first, like Open vSwitch's mac-table-size) and aged
 * (default 300 s). Cached decisions refresh an entry's age through {@link MacEntry#touch}, so a busy host is not
 * forgotten just because its packets no longer reach the slow path. Learning, moving, evicting or expiring an
 * entry changes what NORMAL decides, so each such change is reported to the listener (the pipeline invalidates
 * the cached decisions that depended on that VLAN and MAC).
 *
 * <p>Thread-safe: learning happens in the slow paths of several datapath threads; a monitor guards the map.
 */
public final class MacLearningTable {
    public static final int DEFAULT_MAX_ENTRIES = 8192;
    public static final long DEFAULT_AGING_NANOS = 300_000_000_000L;

    /** Told about every (vlan, mac) whose port changed (learned, moved, evicted or expired). */
    public interface ChangeListener {
        void macChanged(int vlan, long mac);
    }

    /** One learned address. {@link #touch} is called from cache hits without a lock (a benign race on a long). */
    public static final class MacEntry {
        public final int vlan;
        public final long mac;
        final int port;
        volatile long lastSeenNanos;

        MacEntry(int vlan, long mac, int port, long now) {
            this.vlan = vlan;
            this.mac = mac;
            this.port = port;
            this.lastSeenNanos = now;
        }

        public int port() { return port; }

        public long lastSeenNanos() { return lastSeenNanos; }

        public void touch(long now) {
            if (now - lastSeenNanos > 1_000_000_000L) lastSeenNanos = now; // avoid a store per packet
        }
    }

    private final Map<Long, MacEntry> entries;
    private final int maxEntries;
    private final long agingNanos;
    private final ChangeListener listener;

    public MacLearningTable(int maxEntries, long agingNanos, ChangeListener listener) {
        this.maxEntries = maxEntries;
        this.agingNanos = agingNanos;
        this.listener = listener;
        this.entries = new LinkedHashMap<>(256, 0.75f, false);
    }

    private static long key(int vlan, long mac) {
        return ((long) (vlan & 0xfff) << 48) | (mac & 0xffffffffffffL);
    }

    public static boolean isMulticast(long mac) {
        return (mac & 0x010000000000L) != 0;
    }

    /** Records that {@code mac} was seen on {@code port} in {@code vlan}; returns the (possibly new) entry. */
    public MacEntry learn(int vlan, long mac, int port, long now) {
        MacEntry changed;
        MacEntry evicted = null;
        synchronized (this) {
            long k = key(vlan, mac);
            MacEntry e = entries.get(k);
            if (e != null && e.port == port) {
                e.touch(now);
                return e;
            }
            if (e != null) entries.remove(k); // moved: re-insert so it counts as newly learned
            if (e == null && entries.size() >= maxEntries) {
                Iterator<MacEntry> oldest = entries.values().iterator();
                evicted = oldest.next();
                oldest.remove();
            }
            changed = new MacEntry(vlan, mac, port, now);
            entries.put(k, changed);
        }
        if (evicted != null) listener.macChanged(evicted.vlan, evicted.mac);
        listener.macChanged(vlan, mac);
        return changed;
    }

    /** The port {@code mac} was learned on in {@code vlan}, or -1. Does not refresh the entry. */
    public synchronized MacEntry lookup(int vlan, long mac) {
        return entries.get(key(vlan, mac));
    }

    /** Removes entries not seen for the aging time; returns how many. */
    public int expire(long now) {
        List<MacEntry> gone = new ArrayList<>();
        synchronized (this) {
            for (Iterator<MacEntry> it = entries.values().iterator(); it.hasNext(); ) {
                MacEntry e = it.next();
                if (now - e.lastSeenNanos >= agingNanos) {
                    it.remove();
                    gone.add(e);
                }
            }
        }
        for (MacEntry e : gone) listener.macChanged(e.vlan, e.mac);
        return gone.size();
    }

    /** Forgets everything learned on {@code port} (the port went away or down). */
    public void flushPort(int port) {
        List<MacEntry> gone = new ArrayList<>();
        synchronized (this) {
            for (Iterator<MacEntry> it = entries.values().iterator(); it.hasNext(); ) {
                MacEntry e = it.next();
                if (e.port == port) {
                    it.remove();
                    gone.add(e);
                }
            }
        }
        for (MacEntry e : gone) listener.macChanged(e.vlan, e.mac);
    }

    public synchronized int size() { return entries.size(); }

    public synchronized List<MacEntry> snapshot() { return new ArrayList<>(entries.values()); }

    public long agingNanos() { return agingNanos; }
}
