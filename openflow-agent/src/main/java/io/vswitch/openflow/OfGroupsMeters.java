package io.vswitch.openflow;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.group.Bucket;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.group.GroupMod;
import io.vswitch.datapath.group.GroupTable;
import io.vswitch.datapath.meter.Meter;
import io.vswitch.datapath.meter.MeterBand;
import io.vswitch.datapath.meter.MeterMod;
import io.vswitch.datapath.meter.MeterTable;
import io.vswitch.datapath.pipeline.Pipeline;
import org.projectfloodlight.openflow.protocol.*;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBand;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBandDrop;
import org.projectfloodlight.openflow.protocol.meterband.OFMeterBandDscpRemark;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** GROUP_MOD and METER_MOD into the datapath, and the group and meter multipart replies out of it. */
final class OfGroupsMeters {
    private OfGroupsMeters() {}

    // ------------------------------------------------------------------------------------ groups

    static GroupMod groupMod(OFGroupMod m) {
        GroupMod.Command cmd = switch (m.getCommand()) {
            case ADD -> GroupMod.Command.ADD;
            case MODIFY -> GroupMod.Command.MODIFY;
            case DELETE -> GroupMod.Command.DELETE;
            default -> throw new io.vswitch.datapath.OpenFlowException(OfError.GROUP_MOD_FAILED_BAD_COMMAND, "unsupported group command " + m.getCommand());
        };
        Group.Type type = switch (m.getGroupType()) {
            case ALL -> Group.Type.ALL;
            case SELECT -> Group.Type.SELECT;
            case INDIRECT -> Group.Type.INDIRECT;
            case FF -> Group.Type.FAST_FAILOVER;
        };
        List<Bucket> buckets = new ArrayList<>();
        for (OFBucket b : m.getBuckets()) {
            buckets.add(new Bucket(b.getWeight(), b.getWatchPort().getPortNumber(), b.getWatchGroup().getGroupNumber(),
                    OfConvert.actions(b.getActions())));
        }
        return new GroupMod(cmd, m.getGroup().getGroupNumber(), type, buckets);
    }

    private static OFGroupType type(Group.Type t) {
        return switch (t) {
            case ALL -> OFGroupType.ALL;
            case SELECT -> OFGroupType.SELECT;
            case INDIRECT -> OFGroupType.INDIRECT;
            case FAST_FAILOVER -> OFGroupType.FF;
        };
    }

    private static List<Group> groups(Pipeline p, int id) {
        List<Group> list = new ArrayList<>();
        for (Group g : p.groups().all()) if (id == GroupMod.ALL || g.id == id) list.add(g);
        list.sort(Comparator.comparingInt(g -> g.id));
        return list;
    }

    static OFGroupDescStatsReply groupDesc(OFFactory f, long xid, Pipeline p) {
        List<OFGroupDescStatsEntry> entries = new ArrayList<>();
        for (Group g : groups(p, GroupMod.ALL)) {
            List<OFBucket> buckets = new ArrayList<>();
            for (Bucket b : g.buckets) {
                buckets.add(f.buildBucket().setWeight(b.weight).setWatchPort(OFPort.ofInt(b.watchPort))
                        .setWatchGroup(OFGroup.of(b.watchGroup)).setActions(OfConvert.actions(b.actions, f)).build());
            }
            entries.add(f.buildGroupDescStatsEntry().setGroup(OFGroup.of(g.id)).setGroupType(type(g.type)).setBuckets(buckets).build());
        }
        return f.buildGroupDescStatsReply().setXid(xid).setEntries(entries).build();
    }

    static OFGroupStatsReply groupStats(OFFactory f, long xid, Pipeline p, int id, long now) {
        List<OFGroupStatsEntry> entries = new ArrayList<>();
        for (Group g : groups(p, id)) {
            List<OFBucketCounter> counters = new ArrayList<>();
            for (Bucket b : g.buckets) counters.add(f.bucketCounter(U64.of(b.packets()), U64.of(b.bytes())));
            long age = Math.max(0, now - g.createdNanos);
            entries.add(f.buildGroupStatsEntry().setGroup(OFGroup.of(g.id)).setRefCount(p.tables().usingGroup(g.id).size())
                    .setPacketCount(U64.of(g.packets())).setByteCount(U64.of(g.bytes()))
                    .setDurationSec(age / 1_000_000_000L).setDurationNsec(age % 1_000_000_000L)
                    .setBucketStats(counters).build());
        }
        return f.buildGroupStatsReply().setXid(xid).setEntries(entries).build();
    }

    static OFGroupFeaturesStatsReply groupFeatures(OFFactory f, long xid) {
        long all = 1L << 0 | 1L << 1 | 1L << 2 | 1L << 3;
        return f.buildGroupFeaturesStatsReply().setXid(xid).setTypes(all)
                .setCapabilities(EnumSet.of(OFGroupCapabilities.SELECT_WEIGHT, OFGroupCapabilities.SELECT_LIVENESS,
                        OFGroupCapabilities.CHAINING))
                .setMaxGroupsAll(GroupTable.MAX_GROUPS).setMaxGroupsSelect(GroupTable.MAX_GROUPS)
                .setMaxGroupsIndirect(GroupTable.MAX_GROUPS).setMaxGroupsFf(GroupTable.MAX_GROUPS)
                .setActionsAll(actionBits()).setActionsSelect(actionBits()).setActionsIndirect(actionBits()).setActionsFf(actionBits())
                .build();
    }

    /** OpenFlow 1.3 action types as a bitmap (bit n = action type n). */
    private static long actionBits() {
        long bits = 0;
        for (int t : new int[]{0, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27}) bits |= 1L << t;
        return bits;
    }

    // ------------------------------------------------------------------------------------ meters

    static MeterMod meterMod(OFMeterMod m) {
        MeterMod.Command cmd = switch (m.getCommand()) {
            case ADD -> MeterMod.Command.ADD;
            case MODIFY -> MeterMod.Command.MODIFY;
            case DELETE -> MeterMod.Command.DELETE;
        };
        int flags = 0;
        for (OFMeterFlags fl : m.getFlags()) {
            flags |= switch (fl) {
                case KBPS -> MeterMod.FLAG_KBPS;
                case PKTPS -> MeterMod.FLAG_PKTPS;
                case BURST -> MeterMod.FLAG_BURST;
                case STATS -> MeterMod.FLAG_STATS;
            };
        }
        List<OFMeterBand> in = m.getVersion() == OFVersion.OF_13 ? m.getMeters() : m.getBands();
        List<MeterBand> bands = new ArrayList<>();
        for (OFMeterBand b : in) {
            bands.add(switch (b) {
                case OFMeterBandDrop d -> new MeterBand(MeterBand.Type.DROP, d.getRate(), d.getBurstSize(), 0);
                case OFMeterBandDscpRemark r -> new MeterBand(MeterBand.Type.DSCP_REMARK, r.getRate(), r.getBurstSize(), r.getPrecLevel());
                default -> throw new io.vswitch.datapath.OpenFlowException(OfError.METER_MOD_FAILED_BAD_BAND, "unsupported meter band " + b.getType());
            });
        }
        return new MeterMod(cmd, (int) m.getMeterId(), flags, bands);
    }

    private static Set<OFMeterFlags> flags(int bits) {
        Set<OFMeterFlags> s = EnumSet.noneOf(OFMeterFlags.class);
        if ((bits & MeterMod.FLAG_KBPS) != 0) s.add(OFMeterFlags.KBPS);
        if ((bits & MeterMod.FLAG_PKTPS) != 0) s.add(OFMeterFlags.PKTPS);
        if ((bits & MeterMod.FLAG_BURST) != 0) s.add(OFMeterFlags.BURST);
        if ((bits & MeterMod.FLAG_STATS) != 0) s.add(OFMeterFlags.STATS);
        return s;
    }

    private static List<Meter> meters(Pipeline p, long id) {
        List<Meter> list = new ArrayList<>();
        for (Meter m : p.meters().all()) if (id == (MeterMod.ALL & 0xffffffffL) || (m.id & 0xffffffffL) == id) list.add(m);
        list.sort(Comparator.comparingInt(m -> m.id));
        return list;
    }

    static OFMeterConfigStatsReply meterConfig(OFFactory f, long xid, Pipeline p, long id) {
        List<OFMeterConfig> entries = new ArrayList<>();
        for (Meter m : meters(p, id)) {
            List<OFMeterBand> bands = new ArrayList<>();
            for (MeterBand b : m.bands) {
                bands.add(b.type() == MeterBand.Type.DROP
                        ? f.meterBands().buildDrop().setRate(b.rate()).setBurstSize(b.burstSize()).build()
                        : f.meterBands().buildDscpRemark().setRate(b.rate()).setBurstSize(b.burstSize()).setPrecLevel((short) b.precLevel()).build());
            }
            entries.add(f.buildMeterConfig().setMeterId(m.id & 0xffffffffL).setFlags(flags(m.flags)).setEntries(bands).build());
        }
        return f.buildMeterConfigStatsReply().setXid(xid).setEntries(entries).build();
    }

    static OFMeterStatsReply meterStats(OFFactory f, long xid, Pipeline p, long id, long now) {
        List<OFMeterStats> entries = new ArrayList<>();
        for (Meter m : meters(p, id)) {
            List<OFMeterBandStats> bands = new ArrayList<>();
            for (int i = 0; i < m.bands.size(); i++) bands.add(f.meterBandStats(U64.of(m.bandPackets(i)), U64.of(m.bandBytes(i))));
            long age = Math.max(0, now - m.createdNanos);
            entries.add(f.buildMeterStats().setMeterId(m.id & 0xffffffffL).setFlowCount(p.tables().usingMeter(m.id).size())
                    .setPacketInCount(U64.of(m.packetsIn())).setByteInCount(U64.of(m.bytesIn()))
                    .setDurationSec(age / 1_000_000_000L).setDurationNsec(age % 1_000_000_000L).setBandStats(bands).build());
        }
        return f.buildMeterStatsReply().setXid(xid).setEntries(entries).build();
    }

    static OFMeterFeaturesStatsReply meterFeatures(OFFactory f, long xid) {
        return f.buildMeterFeaturesStatsReply().setXid(xid).setFeatures(f.buildMeterFeatures()
                .setMaxMeter(MeterTable.MAX_METERS).setBandTypes(1L << 1 | 1L << 2)
                .setCapabilities(MeterMod.FLAG_KBPS | MeterMod.FLAG_PKTPS | MeterMod.FLAG_BURST | MeterMod.FLAG_STATS)
                .setMaxBands((short) MeterTable.MAX_BANDS).setMaxColor((short) 0).build()).build();
    }
}
