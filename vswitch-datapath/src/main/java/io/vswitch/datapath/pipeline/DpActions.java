package io.vswitch.datapath.pipeline;

import io.vswitch.datapath.flow.Field;
import java.util.Arrays;

/**
 * A translated decision: the flat list of datapath actions to run on a packet, the output of the slow path and
 * the payload of a cache entry.
 *
 * <p>Encoded as fixed-width instructions in primitive arrays so the executor is a plain loop over a switch and
 * allocates nothing: instruction {@code i} has opcode {@code code[3i]}, int operands {@code code[3i+1..2]}, long
 * operands {@code args[2i..2i+1]} and an object operand {@code refs[i]} (meter, MAC entry, packet-in info).
 * OpenFlow-level choices (which bucket of a select group, whether a TTL is still valid, where NORMAL sends the
 * frame) are already made; only packet edits, outputs and metering remain.
 */
public final class DpActions {
    public static final int OUTPUT = 1, CONTROLLER = 2, SET_FIELD = 3, PUSH_VLAN = 4, POP_VLAN = 5, PUSH_MPLS = 6,
            POP_MPLS = 7, PUSH_PBB = 8, POP_PBB = 9, SET_MPLS_TTL = 10, DEC_MPLS_TTL = 11, SET_NW_TTL = 12,
            DEC_NW_TTL = 13, COPY_TTL_OUT = 14, COPY_TTL_IN = 15, SET_QUEUE = 16, METER = 17, SAVE = 18,
            RESTORE = 19, LEARN = 20;

    private static final String[] NAMES = {"?", "output", "controller", "set_field", "push_vlan", "pop_vlan",
        "push_mpls", "pop_mpls", "push_pbb", "pop_pbb", "set_mpls_ttl", "dec_mpls_ttl", "set_nw_ttl", "dec_nw_ttl",
        "copy_ttl_out", "copy_ttl_in", "set_queue", "meter", "clone(", ")", "learn"};

    public static final DpActions DROP = new Builder().build();

    final int[] code;
    final long[] args;
    final Object[] refs;
    final int count;
    /** How many METER instructions there are; each carries its ordinal (0, 1, ...) in {@code code[3i+2]}. */
    final int meterCount;

    private DpActions(int[] code, long[] args, Object[] refs, int count) {
        this.code = code;
        this.args = args;
        this.refs = refs;
        this.count = count;
        int m = 0;
        for (int i = 0; i < count; i++) if (code[3 * i] == METER) m++;
        this.meterCount = m;
    }

    /** How many meters the actions pass through (see {@link ActionExecutor#execute}'s result). */
    public int meterCount() { return meterCount; }

    public int size() { return count; }

    public boolean isDrop() { return count == 0; }

    public int opcode(int i) { return code[3 * i]; }

    /** Same actions (object operands compared by identity: same meter, same MAC entry). */
    public boolean sameAs(DpActions o) {
        if (count != o.count) return false;
        for (int i = 0; i < count * 3; i++) if (code[i] != o.code[i]) return false;
        for (int i = 0; i < count * 2; i++) if (args[i] != o.args[i]) return false;
        for (int i = 0; i < count; i++) {
            Object a = refs[i], b = o.refs[i];
            if (a instanceof PacketIn pa && b instanceof PacketIn pb ? !pa.equals(pb) : a != b) return false;
        }
        return true;
    }

    /** Datapath-action text in the style of ovs-dpctl ("set_field(vlan_vid=0x1064),output:2"). */
    @Override
    public String toString() {
        if (count == 0) return "drop";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int op = code[3 * i];
            if (sb.length() > 0 && op != RESTORE && sb.charAt(sb.length() - 1) != '(') sb.append(',');
            sb.append(NAMES[op]);
            switch (op) {
                case OUTPUT -> sb.append(':').append(io.vswitch.datapath.action.OfPort.name(code[3 * i + 1]));
                case SET_FIELD -> {
                    Field f = Field.values()[code[3 * i + 1]];
                    sb.append('(').append(f.oxmName()).append("=0x").append(Long.toHexString(args[2 * i]));
                    if (f.is128()) sb.append(String.format("%016x", args[2 * i + 1]));
                    sb.append(')');
                }
                case PUSH_VLAN, PUSH_MPLS, POP_MPLS, PUSH_PBB ->
                        sb.append(':').append(String.format("0x%04x", code[3 * i + 1]));
                case SET_MPLS_TTL, SET_NW_TTL, SET_QUEUE -> sb.append(':').append(code[3 * i + 1]);
                case CONTROLLER -> {
                    PacketIn pi = (PacketIn) refs[i];
                    sb.append("(reason=").append(pi.reason()).append(",table=").append(pi.tableId())
                            .append(",max_len=").append(pi.maxLen()).append(')');
                }
                case METER -> sb.append(':').append(((io.vswitch.datapath.meter.Meter) refs[i]).id);
                default -> { }
            }
        }
        return sb.toString();
    }

    /** Appends instructions; used by the translator. */
    public static final class Builder {
        private int[] code = new int[24];
        private long[] args = new long[16];
        private Object[] refs = new Object[8];
        private int count;

        public Builder add(int op, int a, int b, long x, long y, Object ref) {
            if (count == refs.length) {
                code = Arrays.copyOf(code, code.length * 2);
                args = Arrays.copyOf(args, args.length * 2);
                refs = Arrays.copyOf(refs, refs.length * 2);
            }
            code[3 * count] = op;
            code[3 * count + 1] = a;
            code[3 * count + 2] = b;
            args[2 * count] = x;
            args[2 * count + 1] = y;
            refs[count] = ref;
            count++;
            return this;
        }

        public Builder add(int op) { return add(op, 0, 0, 0, 0, null); }

        public Builder add(int op, int a) { return add(op, a, 0, 0, 0, null); }

        public int size() { return count; }

        /** Removes instruction {@code i}, shifting the later ones down. */
        public void remove(int i) {
            System.arraycopy(code, 3 * (i + 1), code, 3 * i, 3 * (count - i - 1));
            System.arraycopy(args, 2 * (i + 1), args, 2 * i, 2 * (count - i - 1));
            System.arraycopy(refs, i + 1, refs, i, count - i - 1);
            count--;
        }

        /** Whether instructions from {@code from} on change the packet or its queue (so need a clone around them). */
        public boolean editsFrom(int from) {
            for (int i = from; i < count; i++) {
                int op = code[3 * i];
                if (op != OUTPUT && op != CONTROLLER && op != LEARN) return true;
            }
            return false;
        }

        /** Drops instructions from {@code size} on (used when a clone turns out to do nothing). */
        public void truncate(int size) { count = size; }

        public int opcode(int i) { return code[3 * i]; }

        public DpActions build() {
            return new DpActions(Arrays.copyOf(code, count * 3), Arrays.copyOf(args, count * 2),
                    Arrays.copyOf(refs, count), count);
        }
    }
}
