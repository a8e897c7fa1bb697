package io.vswitch.datapath.pipeline;

import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.meter.Meter;
import io.vswitch.datapath.meter.MeterBand;
import io.vswitch.datapath.normal.MacLearningTable;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketEditor;

/**
 * Runs {@link DpActions} on a packet: the last stage of both the fast path and the slow path.
 *
 * <p>One executor per datapath thread: it owns the scratch packets that {@code clone(...)} (group buckets that
 * must see the packet as it was) saves into, so execution allocates nothing. Opcode operands are documented in
 * {@link DpActions}; the translator has already made every OpenFlow-level decision.
 */
public final class ActionExecutor {
    private static final Field[] FIELDS = Field.values();
    /** How many clones may nest; the translator stops nesting groups here (see {@code Translator#bucket}). */
    static final int MAX_DEPTH = 16;

    private final Packet[] saved = new Packet[MAX_DEPTH];
    private final int[] savedQueue = new int[MAX_DEPTH];
    private final int capacity;
    /** Packets dropped by a meter band (per executor; the meter counts per band too). */
    private long meterDrops;

    public ActionExecutor() {
        this(Packet.DEFAULT_CAPACITY);
    }

    public ActionExecutor(int packetCapacity) {
        this.capacity = packetCapacity;
    }

    public long meterDrops() { return meterDrops; }

    /**
     * Runs {@code actions} on {@code p}.
     *
     * @return -1 when the actions ran to the end, or the ordinal (0 for the first METER instruction, 1 for the
     *         second, ...) of the meter that dropped the packet: counters of what comes after it must not count it
     *         (see {@link Translation#creditDropped})
     */
    public int execute(DpActions actions, Packet p, PacketSink sink, long nowNanos) {
        return run(actions, p, sink, nowNanos, false);
    }

    /**
     * Applies only the header edits of {@code actions} to {@code p} (with their clones): no output, packet-in,
     * metering or MAC learning touch. The translator's re-parse uses it to see the packet as edited so far
     * without having any effect twice.
     */
    public void executeEdits(DpActions actions, Packet p) {
        run(actions, p, null, 0, true);
    }

    private int run(DpActions actions, Packet p, PacketSink sink, long nowNanos, boolean editsOnly) {
        final int[] code = actions.code;
        final long[] args = actions.args;
        final Object[] refs = actions.refs;
        final int n = actions.count;
        int queue = 0;
        int depth = 0;
        for (int i = 0; i < n; i++) {
            int c = 3 * i;
            switch (code[c]) {
                case DpActions.OUTPUT -> { if (!editsOnly) sink.output(code[c + 1], p, queue); }
                case DpActions.CONTROLLER -> { if (!editsOnly) sink.packetIn(p, (PacketIn) refs[i]); }
                case DpActions.SET_FIELD -> PacketEditor.setField(p, FIELDS[code[c + 1]], args[2 * i], args[2 * i + 1]);
                case DpActions.PUSH_VLAN -> PacketEditor.pushVlan(p, code[c + 1]);
                case DpActions.POP_VLAN -> PacketEditor.popVlan(p);
                case DpActions.PUSH_MPLS -> PacketEditor.pushMpls(p, code[c + 1]);
                case DpActions.POP_MPLS -> PacketEditor.popMpls(p, code[c + 1]);
                case DpActions.PUSH_PBB -> PacketEditor.pushPbb(p, code[c + 1]);
                case DpActions.POP_PBB -> PacketEditor.popPbb(p);
                case DpActions.SET_MPLS_TTL -> PacketEditor.setMplsTtl(p, code[c + 1]);
                case DpActions.DEC_MPLS_TTL -> PacketEditor.decMplsTtl(p);
                case DpActions.SET_NW_TTL -> PacketEditor.setNwTtl(p, code[c + 1]);
                case DpActions.DEC_NW_TTL -> PacketEditor.decNwTtl(p);
                case DpActions.COPY_TTL_OUT -> PacketEditor.copyTtlOut(p);
                case DpActions.COPY_TTL_IN -> PacketEditor.copyTtlIn(p);
                case DpActions.SET_QUEUE -> queue = code[c + 1];
                case DpActions.METER -> {
                    if (editsOnly) continue;
                    Meter m = (Meter) refs[i];
                    int band = m.apply(p.length, nowNanos);
                    if (band >= 0) {
                        MeterBand b = m.bands.get(band);
                        if (b.type() == MeterBand.Type.DROP) {
                            meterDrops++;
                            return code[c + 2];
                        }
                        // code[c+1] = 1 when the packet is IP; args = its DSCP (the translator un-wildcarded it).
                        if (code[c + 1] == 1) {
                            int dscp = (int) args[2 * i];
                            int remarked = remark(dscp, b.precLevel());
                            if (remarked != dscp) PacketEditor.setField(p, Field.IP_DSCP, remarked, 0);
                        }
                    }
                }
                case DpActions.SAVE -> {
                    if (depth == MAX_DEPTH) throw new IllegalStateException("clones nested deeper than " + MAX_DEPTH);
                    Packet s = saved[depth];
                    if (s == null || s.capacity() < p.capacity()) s = saved[depth] = Packet.allocate(Math.max(capacity, p.capacity()));
                    s.copyFrom(p);
                    savedQueue[depth] = queue;
                    depth++;
                }
                case DpActions.RESTORE -> {
                    depth--;
                    p.copyFrom(saved[depth]);
                    queue = savedQueue[depth];
                }
                case DpActions.LEARN -> { if (!editsOnly) ((MacLearningTable.MacEntry) refs[i]).touch(nowNanos); }
                default -> throw new IllegalStateException("bad datapath opcode " + code[c]);
            }
        }
        return -1;
    }

    /**
     * Raises the drop precedence of an Assured Forwarding DSCP (AFxy: class x 1-4, precedence y 1-3) by
     * {@code level}, capped at 3. Other code points are left alone: they have no drop precedence to raise.
     */
    static int remark(int dscp, int level) {
        int cls = dscp >> 3, prec = (dscp >> 1) & 3;
        if (cls < 1 || cls > 4 || (dscp & 1) != 0 || prec == 0) return dscp;
        int p = Math.min(3, prec + level);
        return (cls << 3) | (p << 1);
    }
}
