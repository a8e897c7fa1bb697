package io.vswitch.openflow;

import org.projectfloodlight.openflow.protocol.OFAggregateStatsReply;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.stat.Stat;
import org.projectfloodlight.openflow.protocol.stat.StatField;
import com.google.common.hash.PrimitiveSink;
import io.netty.buffer.ByteBuf;
import org.projectfloodlight.openflow.types.OFValueType;
import org.projectfloodlight.openflow.types.U64;

/**
 * Flow counters in each version's shape: fixed fields (duration_sec/nsec, packet_count, byte_count) up to
 * OpenFlow 1.4, an OXS list in 1.5 (duration and idle time as 32.32 fixed-point seconds, as the spec encodes them).
 *
 * <p>The 1.5 list is encoded here ({@link Oxs}), not by openflowj: openflowj 3.6.605 numbers the OXS fields one off
 * from the specification (its PACKET_COUNT goes out as field 3, FLOW_COUNT, and its BYTE_COUNT as 4,
 * PACKET_COUNT), so Open vSwitch reads our packet count as the byte count's absence ({@code n_bytes=?}).
 */
final class OfCounters {
    private OfCounters() { }

    /** OXS field numbers (OpenFlow 1.5.1, 7.2.4.1). */
    static final int OXS_DURATION = 0, OXS_IDLE_TIME = 1, OXS_FLOW_COUNT = 3, OXS_PACKET_COUNT = 4, OXS_BYTE_COUNT = 5;

    /** An {@code ofp_stats} with the OXS fields given; flowCount < 0 leaves it out. */
    record Oxs(long durationNanos, long idleNanos, long flowCount, long packets, long bytes) implements Stat {
        static final int OXS_CLASS = 0x8002;

        @Override
        public void writeTo(ByteBuf b) {
            int start = b.writerIndex();
            b.writeShort(0).writeShort(0); // reserved, length (set below)
            if (durationNanos >= 0) field(b, OXS_DURATION, 8).writeLong(fixedPoint(durationNanos).getValue());
            if (idleNanos >= 0) field(b, OXS_IDLE_TIME, 8).writeLong(fixedPoint(idleNanos).getValue());
            if (flowCount >= 0) field(b, OXS_FLOW_COUNT, 4).writeInt((int) flowCount);
            field(b, OXS_PACKET_COUNT, 8).writeLong(packets);
            field(b, OXS_BYTE_COUNT, 8).writeLong(bytes);
            int length = b.writerIndex() - start;
            b.setShort(start + 2, length);
            b.writeZero((8 - length % 8) % 8); // padded to 8 bytes, the padding not counted (as ofp_match)
        }

        private static ByteBuf field(ByteBuf b, int field, int length) {
            return b.writeShort(OXS_CLASS).writeByte(field << 1).writeByte(length);
        }

        @Override public OFVersion getVersion() { return OFVersion.OF_15; }
        @Override public <F extends OFValueType<F>> F get(StatField<F> field) { throw new UnsupportedOperationException("write-only"); }
        @Override public boolean supports(StatField<?> field) { return false; }
        @Override public Iterable<StatField<?>> getStatFields() { return java.util.List.of(); }
        @Override public Stat.Builder createBuilder() { throw new UnsupportedOperationException("write-only"); }

        @Override
        public void putTo(PrimitiveSink sink) {
            sink.putLong(durationNanos).putLong(idleNanos).putLong(flowCount).putLong(packets).putLong(bytes);
        }
    }

    private static boolean oxs(OFFactory f) { return f.getVersion().compareTo(OFVersion.OF_15) >= 0; }

    /** 1.5's OXS duration: seconds in the high 32 bits, nanoseconds in the low 32. */
    static U64 fixedPoint(long nanos) {
        return U64.of((nanos / 1_000_000_000L) << 32 | (nanos % 1_000_000_000L));
    }

    static void flowStats(OFFactory f, OFFlowStatsEntry.Builder b, long ageNanos, long idleNanos, long packets, long bytes) {
        if (oxs(f)) {
            b.setStats(new Oxs(ageNanos, idleNanos, -1, packets, bytes));
        } else {
            b.setDurationSec(ageNanos / 1_000_000_000L).setDurationNsec(ageNanos % 1_000_000_000L)
                    .setPacketCount(U64.of(packets)).setByteCount(U64.of(bytes));
        }
    }

    static OFAggregateStatsReply aggregate(OFFactory f, long xid, long flows, long packets, long bytes) {
        OFAggregateStatsReply.Builder b = f.buildAggregateStatsReply().setXid(xid);
        if (oxs(f)) {
            return b.setStats(new Oxs(-1, -1, flows, packets, bytes)).build();
        }
        return b.setPacketCount(U64.of(packets)).setByteCount(U64.of(bytes)).setFlowCount(flows).build();
    }

    static void flowRemoved(OFFactory f, OFFlowRemoved.Builder b, long ageNanos, long idleNanos, long packets, long bytes) {
        if (oxs(f)) {
            b.setStats(new Oxs(ageNanos, idleNanos, -1, packets, bytes));
        } else {
            b.setDurationSec(ageNanos / 1_000_000_000L).setDurationNsec(ageNanos % 1_000_000_000L)
                    .setPacketCount(U64.of(packets)).setByteCount(U64.of(bytes));
        }
    }
}
