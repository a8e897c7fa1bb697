package io.vswitch.datapath.pipeline;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowKey;
import io.vswitch.datapath.flow.Prerequisite;
import io.vswitch.datapath.group.Bucket;
import io.vswitch.datapath.group.Group;
import io.vswitch.datapath.meter.Meter;
import io.vswitch.datapath.meter.MeterBand;
import io.vswitch.datapath.normal.MacLearningTable;
import io.vswitch.datapath.ofctl.FlowFormatter;
import io.vswitch.datapath.packet.FlowKeyEditor;
import io.vswitch.datapath.packet.Packet;
import io.vswitch.datapath.packet.PacketParser;
import io.vswitch.datapath.table.FlowEntry;
import io.vswitch.datapath.table.FlowTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The slow path: runs a flow key through the OpenFlow pipeline and produces a {@link Translation}.
 *
 * <h2>What</h2>
 * Table by table (OpenFlow 1.3 section 5.1): look the working key up, run the entry's instructions (meter,
 * apply-actions, clear/write the action set, write-metadata, goto-table), and at the end execute the action set.
 * Actions that edit headers update the working key too ({@link FlowKeyEditor}), so later tables match on the
 * packet as edited, and are appended to the datapath actions. Choices that depend only on the key are made here:
 * a select group's bucket, a fast-failover group's live bucket, NORMAL's output port, whether a TTL is still valid.
 *
 * <h2>Un-wildcarding</h2>
 * Every key bit that influenced a choice is set in the translation's mask: the classifier reports the subtables it
 * probed; NORMAL consults in_port, VLAN and both MACs; a select group the fields it hashes; TTL checks the TTL;
 * prerequisite checks for set-field the eth_type/ip_proto/VLAN bits; pushes and pops the tag and label words they
 * move; and {@link FlowKeyEditor} reports every bit an edit's outcome read (fragment flags for L4 set-fields, ND
 * type/code, old ND addresses, eth_type), since later lookups see the edited key. in_port is always exact, which
 * also covers the ingress port's no_recv/no_packet_in config. More 1-bits than needed only narrow a megaflow; a missing one would be a bug, so
 * the rule here is: when in doubt, un-wildcard.
 *
 * <h2>What cannot be cached</h2>
 * pop_mpls and pop_pbb reveal headers the key does not hold. The translator then applies the edits so far to a
 * copy of the packet and parses it again (like Open vSwitch's recirculation), and marks the translation
 * uncacheable: it depended on more than the key.
 *
 * <h2>Meters</h2>
 * A meter may drop the packet at run time: decisions after it still hold, execution just stops there. For each
 * METER instruction the translation records how far the packet had got (entries, tables, groups, buckets), so a
 * packet that meter dropped is credited to those only.
 *
 * <p>One instance per call; not thread-safe. Runs under the pipeline's read lock.
 */
final class Translator {
    private static final int MAX_RESUBMIT_DEPTH = 64;
    private static final List<Action> FAIL_OPEN_ACTIONS = List.of(new Action.Output(OfPort.NORMAL, 0));

    private final Pipeline pipeline;
    private final Packet packet;
    private final TraceListener trace;
    private final long now;

    private final FlowKey work = new FlowKey();
    private final long[] mask = new long[FlowKey.WORDS];
    private final DpActions.Builder out = new DpActions.Builder();
    private final List<FlowEntry> rules = new ArrayList<>();
    private final List<FlowTable> lookedUp = new ArrayList<>();
    private final List<FlowTable> matched = new ArrayList<>();
    private final List<Integer> visitedTables = new ArrayList<>();
    private final List<long[]> visitedKeys = new ArrayList<>();
    private final List<Integer> visitedPriorities = new ArrayList<>();
    private final List<Group> groups = new ArrayList<>();
    private final List<Bucket> buckets = new ArrayList<>();
    private final List<Meter> meters = new ArrayList<>();
    private final List<Long> macDeps = new ArrayList<>();
    /** Every group id consulted (applied, chained, watched), whether or not it existed. */
    private final List<Integer> groupDeps = new ArrayList<>();
    /** Per METER instruction: how far rules, lookedUp, matched, groups and buckets had got (see Translation). */
    private final List<int[]> meterPrefixes = new ArrayList<>();
    /** How many clones (group buckets) enclose the current action; the executor saves at most its MAX_DEPTH. */
    private int cloneDepth;
    private boolean usesPorts, usesLiveness, cacheable = true;
    /** Translating a packet-out: output to TABLE is allowed and runs the pipeline. */
    private boolean packetOut;
    /** Nesting of tables, groups and buckets: the trace's indentation and the resubmit guard. */
    private int depth;

    Translator(Pipeline pipeline, Packet packet, TraceListener trace, long now) {
        this.pipeline = pipeline;
        this.packet = packet;
        this.trace = trace;
        this.now = now;
    }

    Translation translate(FlowKey key, long changeCount) {
        return translate(key, null, changeCount);
    }

    /**
     * Translates {@code key}: through the tables from table 0, or, for a packet-out, through {@code packetOut}'s
     * actions (where output to TABLE runs the tables).
     */
    Translation translate(FlowKey key, List<Action> packetOut, long changeCount) {
        work.copyFrom(key);
        mask[FlowKey.W_PORT] |= 0xffffffffL; // in_port: always exact (output to IN_PORT, flooding, learning)
        if (packetOut == null) {
            if (inPortHas(Ports.CONFIG_NO_RECV)) {
                note("in_port " + OfPort.name(work.inPort()) + " has no_recv: drop");
            } else if (pipeline.dropFragments() && isFragment()) {
                note("IP fragment, and fragment handling is drop: drop");
            } else if (pipeline.failOpen()) {
                note("fail-open (no controller): NORMAL");
                applyList(FAIL_OPEN_ACTIONS, null);
            } else {
                runTables(0);
            }
        } else {
            note("packet-out actions");
            this.packetOut = true;
            applyList(packetOut, null);
        }
        long[] value = new long[FlowKey.WORDS];
        for (int i = 0; i < FlowKey.WORDS; i++) value[i] = key.words[i] & mask[i];
        long[] macs = new long[macDeps.size()];
        for (int i = 0; i < macs.length; i++) macs[i] = macDeps.get(i);
        int[] tables = new int[visitedTables.size()];
        int[] prios = new int[tables.length];
        for (int i = 0; i < tables.length; i++) {
            tables[i] = visitedTables.get(i);
            prios[i] = visitedPriorities.get(i);
        }
        int[] deps = new int[groupDeps.size()];
        for (int i = 0; i < deps.length; i++) deps[i] = groupDeps.get(i);
        int[] prefixes = new int[meterPrefixes.size() * Translation.PREFIX_WIDTH];
        for (int i = 0; i < meterPrefixes.size(); i++) {
            System.arraycopy(meterPrefixes.get(i), 0, prefixes, i * Translation.PREFIX_WIDTH, Translation.PREFIX_WIDTH);
        }
        return new Translation(out.build(), value, mask.clone(), rules.toArray(new FlowEntry[0]),
                lookedUp.toArray(new FlowTable[0]), matched.toArray(new FlowTable[0]), tables,
                visitedKeys.toArray(new long[0][]), prios, groups.toArray(new Group[0]), buckets.toArray(new Bucket[0]),
                meters.toArray(new Meter[0]), usesPorts, usesLiveness, macs, deps, prefixes, cacheable, changeCount);
    }

    // ---------------------------------------------------------------------------------------------- tables

    private void runTables(int firstTable) {
        ActionSet actionSet = new ActionSet();
        int tableId = firstTable;
        while (true) {
            FlowTable table = pipeline.table(tableId);
            lookedUp.add(table);
            FlowEntry e = table.classifier().lookup(work.words, mask);
            visitedTables.add(tableId);
            visitedKeys.add(work.words.clone());
            visitedPriorities.add(e == null ? -1 : e.priority);
            if (e == null) {
                if (pipeline.tableMissToController()) { // OpenFlow 1.0 controller connected
                    PacketIn pi = new PacketIn(PacketIn.REASON_NO_MATCH, tableId, -1, 0xffff, work.inPort(),
                            work.words[FlowKey.W_METADATA], work.words[FlowKey.W_TUNNEL]);
                    if (addPacketIn(pi, tableId + ". no match (table miss): controller")) {
                        note(tableId + ". no match (table miss): controller (OpenFlow 1.0)");
                    }
                    return;
                }
                note(tableId + ". no match (table miss): drop");
                return; // OpenFlow 1.3: a miss with no table-miss entry drops; the action set is not executed
            }
            matched.add(table);
            rules.add(e);
            FlowEntry.Program p = e.program();
            note(tableId + ". priority " + e.priority + (e.match.isCatchAll() ? "" : ", " + e.match)
                    + (e.cookie() != 0 ? ", cookie 0x" + Long.toHexString(e.cookie()) : ""));
            depth++;
            if (p.meterId() != FlowEntry.Program.NONE && !meter(p.meterId())) {
                depth--;
                return;
            }
            if (!p.applyActions().isEmpty()) {
                if (!applyList(p.applyActions(), e)) { depth--; return; }
            }
            if (p.clearActions()) {
                note("clear_actions");
                actionSet.clear();
            }
            if (!p.writeActions().isEmpty()) {
                note("write_actions(" + FlowFormatter.formatActions(p.writeActions()) + ")");
                actionSet.write(p.writeActions());
            }
            if (p.writeMetadataMask() != 0) {
                long md = (work.words[FlowKey.W_METADATA] & ~p.writeMetadataMask())
                        | (p.writeMetadata() & p.writeMetadataMask());
                work.words[FlowKey.W_METADATA] = md;
                note("write_metadata: metadata=0x" + Long.toHexString(md));
            }
            if (p.gotoTable() != FlowEntry.Program.NONE) note("goto_table:" + p.gotoTable());
            depth--;
            if (p.gotoTable() == FlowEntry.Program.NONE) {
                if (!actionSet.isEmpty()) {
                    note("action set: " + FlowFormatter.formatActions(actionSet.ordered()));
                    depth++;
                    applyList(actionSet.ordered(), e);
                    depth--;
                }
                return;
            }
            note("");
            tableId = p.gotoTable();
        }
    }

    /** Applies actions in order; false when the packet is gone (invalid TTL). */
    private boolean applyList(List<Action> actions, FlowEntry entry) {
        for (Action a : actions) {
            if (!apply(a, entry)) return false;
        }
        return true;
    }

    private boolean apply(Action a, FlowEntry entry) {
        switch (a) {
            case Action.Output o -> output(o, entry);
            case Action.Group g -> group(g.groupId(), entry);
            case Action.SetQueue q -> {
                out.add(DpActions.SET_QUEUE, q.queueId());
                note("set_queue:" + q.queueId());
            }
            case Action.SetField s -> setField(s);
            case Action.DecNwTtl d -> {
                if (!ttlCheck(Field.NW_TTL, entry)) return false;
                edit(a, DpActions.DEC_NW_TTL, 0);
            }
            case Action.DecMplsTtl d -> {
                if (!ttlCheck(Field.MPLS_TTL, entry)) return false;
                edit(a, DpActions.DEC_MPLS_TTL, 0);
            }
            case Action.SetNwTtl s -> {
                if (!isIp()) { note("set_nw_ttl: not IP, skipped"); return true; }
                edit(a, DpActions.SET_NW_TTL, s.ttl());
            }
            case Action.SetMplsTtl s -> {
                if (!isMpls()) { note("set_mpls_ttl: not MPLS, skipped"); return true; }
                edit(a, DpActions.SET_MPLS_TTL, s.ttl());
            }
            case Action.PushVlan v -> { unwildcardTags(); edit(a, DpActions.PUSH_VLAN, v.ethType()); }
            case Action.PopVlan v -> {
                unwildcardTags();
                if ((work.get(Field.VLAN_VID) & Field.VID_PRESENT) == 0) { note("pop_vlan: no tag, skipped"); return true; }
                edit(a, DpActions.POP_VLAN, 0);
            }
            case Action.PushMpls m -> { unwildcardL3(); edit(a, DpActions.PUSH_MPLS, m.ethType()); }
            case Action.PopMpls m -> {
                unwildcardL3();
                if (!isMpls()) { note("pop_mpls: not MPLS, skipped"); return true; }
                edit(a, DpActions.POP_MPLS, m.ethType());
            }
            case Action.PushPbb b -> { unwildcardL3(); unwildcardTags(); edit(a, DpActions.PUSH_PBB, b.ethType()); }
            case Action.PopPbb b -> {
                unwildcardL3();
                if (work.ethType() != Prerequisite.ETH_PBB) { note("pop_pbb: not PBB, skipped"); return true; }
                edit(a, DpActions.POP_PBB, 0);
            }
            case Action.CopyTtlOut c -> { unwildcardL3(); edit(a, DpActions.COPY_TTL_OUT, 0); }
            case Action.CopyTtlIn c -> { unwildcardL3(); edit(a, DpActions.COPY_TTL_IN, 0); }
        }
        return true;
    }

    /** Appends a header-editing action and applies it to the working key (re-parsing when the key cannot tell). */
    private void edit(Action a, int opcode, int operand) {
        out.add(opcode, operand);
        note(FlowFormatter.formatAction(a));
        if (!FlowKeyEditor.apply(a, work, mask)) reparse();
    }

    private void setField(Action.SetField s) {
        Field f = s.field();
        if (!prerequisitesHeld(f)) {
            note("set_field:" + f.oxmName() + ": packet lacks the header, skipped");
            return;
        }
        out.add(DpActions.SET_FIELD, f.ordinal(), 0, s.value(), s.valueLow(), null);
        note(FlowFormatter.formatAction(s));
        // The editor reports every key bit its semantics read (fragment flags, ND type/code, old ND addresses,
        // eth_type): a set-field's effect on the working key depends on them, so later lookups do too.
        if (!FlowKeyEditor.apply(s, work, mask)) reparse();
    }

    private boolean prerequisitesHeld(Field f) {
        Prerequisite p = f.prerequisites();
        if (p.vlanPresent() || f == Field.VLAN_VID || f == Field.VLAN_TCI) {
            unwildcard(Field.VLAN_VID);
            if ((work.get(Field.VLAN_VID) & Field.VID_PRESENT) == 0) return false;
        }
        if (p.ethTypes().length > 0) unwildcard(Field.ETH_TYPE);
        if (p.ipProto() >= 0) unwildcard(Field.IP_PROTO);
        if (p.icmpv6Types().length > 0) unwildcard(Field.ICMPV6_TYPE);
        return p.heldBy(work);
    }

    private boolean ttlCheck(Field ttlField, FlowEntry entry) {
        boolean ip = ttlField == Field.NW_TTL;
        if (ip ? !isIp() : !isMpls()) {
            note((ip ? "dec_ttl" : "dec_mpls_ttl") + ": no such header, skipped");
            return true;
        }
        unwildcard(ttlField);
        if (work.get(ttlField) > 1) return true;
        note((ip ? "dec_ttl" : "dec_mpls_ttl") + ": TTL " + work.get(ttlField) + " would expire");
        if (pipeline.invalidTtlToController()) {
            if (addPacketIn(packetIn(PacketIn.REASON_INVALID_TTL, entry, 0xffff), "-> controller (invalid TTL)")) {
                note("-> controller (invalid TTL)");
            }
        } else {
            note("-> drop (invalid TTL)");
        }
        return false;
    }

    private boolean isFragment() {
        if (!isIp()) return false;
        unwildcard(Field.NW_FRAG);
        return (work.get(Field.NW_FRAG) & FlowKey.FRAG_ANY) != 0;
    }

    private boolean isIp() {
        unwildcard(Field.ETH_TYPE);
        int t = work.ethType();
        return t == Prerequisite.ETH_IPV4 || t == Prerequisite.ETH_IPV6;
    }

    private boolean isMpls() {
        unwildcard(Field.ETH_TYPE);
        int t = work.ethType();
        return t == Prerequisite.ETH_MPLS || t == Prerequisite.ETH_MPLS_MC;
    }

    private void unwildcard(Field f) {
        if (f.is128()) {
            mask[f.word] = -1L;
            mask[f.word + 1] = -1L;
        } else {
            mask[f.word] |= f.valueMask << f.shift;
        }
    }

    private void unwildcardTags() {
        unwildcard(Field.VLAN_TCI);
        unwildcard(Field.CVLAN_TCI);
        unwildcard(Field.ETH_TYPE);
    }

    private void unwildcardL3() {
        unwildcard(Field.ETH_TYPE);
        mask[FlowKey.W_MPLS_PBB] = -1L;
        unwildcard(Field.NW_TTL);
        unwildcard(Field.IP_DSCP);
        unwildcard(Field.IP_ECN);
    }

    private void reparse() {
        cacheable = false;
        Packet scratch = Packet.allocate(Math.max(Packet.DEFAULT_CAPACITY, packet.capacity()));
        scratch.copyFrom(packet);
        // Edits only: meters, outputs, packet-ins and MAC-entry touches already happened (or will) for real.
        new ActionExecutor().executeEdits(out.build(), scratch);
        long metadata = work.words[FlowKey.W_METADATA], tunnel = work.words[FlowKey.W_TUNNEL];
        long port = work.words[FlowKey.W_PORT];
        PacketParser.parse(scratch, work.inPort(), work);
        work.words[FlowKey.W_METADATA] = metadata;
        work.words[FlowKey.W_TUNNEL] = tunnel;
        work.words[FlowKey.W_PORT] = port;
        note("headers revealed: re-parsed as " + work + " (not cacheable)");
    }

    /** Whether the ingress port has this config bit (port config changes invalidate translations using ports). */
    private boolean inPortHas(int configBit) {
        usesPorts = true;
        Ports.Port p = pipeline.ports().get(work.inPort());
        return p != null && (p.config() & configBit) != 0;
    }

    /** Adds a packet-in unless the ingress port has no_packet_in; false when suppressed. */
    private boolean addPacketIn(PacketIn pi, String what) {
        if (inPortHas(Ports.CONFIG_NO_PACKET_IN)) {
            note(what + ": in_port " + OfPort.name(work.inPort()) + " has no_packet_in, dropped");
            return false;
        }
        out.add(DpActions.CONTROLLER, 0, 0, 0, 0, pi);
        return true;
    }

    // ---------------------------------------------------------------------------------------------- output

    private void output(Action.Output o, FlowEntry entry) {
        int inPort = work.inPort();
        int port = o.port();
        switch (port) {
            case OfPort.IN_PORT -> emit(inPort, true);
            case OfPort.NORMAL -> normal();
            case OfPort.FLOOD, OfPort.ALL -> flood(port == OfPort.FLOOD);
            case OfPort.CONTROLLER -> {
                int reason = entry != null && entry.isTableMiss() ? PacketIn.REASON_NO_MATCH : PacketIn.REASON_ACTION;
                if (addPacketIn(packetIn(reason, entry, o.maxLen()), "output:CONTROLLER")) {
                    note("output:CONTROLLER (reason " + (reason == 0 ? "no_match" : "action") + ", max_len " + o.maxLen() + ")");
                }
            }
            case OfPort.TABLE -> {
                if (packetOut && entry == null) {
                    note("output:TABLE: through the pipeline from table 0");
                    depth++;
                    runTables(0);
                    depth--;
                } else {
                    note("output:TABLE is only valid in packet-out: ignored");
                }
            }
            default -> emit(port, false);
        }
    }

    private PacketIn packetIn(int reason, FlowEntry entry, int maxLen) {
        return new PacketIn(reason, entry == null ? 0 : entry.tableId, entry == null ? -1 : entry.cookie(), maxLen,
                work.inPort(), work.words[FlowKey.W_METADATA], work.words[FlowKey.W_TUNNEL]);
    }

    /** Output to one port; the ingress port only when asked for explicitly (OpenFlow's IN_PORT). */
    private void emit(int port, boolean explicitInPort) {
        usesPorts = true;
        if (port == work.inPort() && !explicitInPort) {
            note("output:" + OfPort.name(port) + ": is the ingress port, skipped (use IN_PORT)");
            return;
        }
        Ports.Port p = pipeline.ports().get(port);
        if (p == null) {
            note("output:" + OfPort.name(port) + ": no such port, dropped");
            return;
        }
        if ((p.config() & Ports.CONFIG_NO_FWD) != 0) {
            note("output:" + OfPort.name(port) + ": port has no_fwd, dropped");
            return;
        }
        out.add(DpActions.OUTPUT, port);
        note("output:" + OfPort.name(port));
    }

    private void flood(boolean respectNoFlood) {
        usesPorts = true;
        int inPort = work.inPort();
        StringBuilder sb = trace == null ? null : new StringBuilder(respectNoFlood ? "flood ->" : "all ->");
        for (int n : pipeline.ports().numbers()) {
            if (n == inPort) continue;
            Ports.Port p = pipeline.ports().get(n);
            if (p == null || (p.config() & Ports.CONFIG_NO_FWD) != 0) continue;
            if (respectNoFlood && (p.config() & Ports.CONFIG_NO_FLOOD) != 0) continue;
            out.add(DpActions.OUTPUT, n);
            if (sb != null) sb.append(' ').append(OfPort.name(n));
        }
        if (sb != null) note(sb.toString());
    }

    /**
     * A VLAN-aware learning switch, as Open vSwitch's NORMAL: ports are trunks (every VLAN, tagged as received)
     * unless they have an access tag ({@link Pipeline#setPortTag}): an access port's untagged frames belong to its
     * VLAN (its tagged ones are dropped), and it receives only that VLAN, untagged. The tag is pushed or popped
     * around each output that needs it and undone after, so actions after NORMAL see the frame as it was.
     */
    private void normal() {
        unwildcard(Field.ETH_SRC);
        unwildcard(Field.ETH_DST);
        unwildcard(Field.VLAN_VID);
        usesPorts = true; // the ports' access tags decide too
        long vid = work.get(Field.VLAN_VID);
        boolean tagged = (vid & Field.VID_PRESENT) != 0;
        int vlan = (int) (vid & 0xfff);
        long src = work.get(Field.ETH_SRC), dst = work.get(Field.ETH_DST);
        int inPort = work.inPort();
        Ports.Port in = pipeline.ports().get(inPort);
        int accessIn = in == null ? 0 : in.tag();
        if (accessIn != 0) {
            if (tagged) {
                note("normal: tagged frame (vlan " + vlan + ") on access port " + OfPort.name(inPort) + " of vlan " + accessIn + ": drop");
                return;
            }
            vlan = accessIn;
        }
        if (tagged) unwildcard(Field.VLAN_PCP);
        normalVlan = vlan;
        normalTagged = tagged;
        MacLearningTable macs = pipeline.macs();
        if (!MacLearningTable.isMulticast(src)) {
            MacLearningTable.MacEntry learned = macs.learn(vlan, src, inPort, now);
            macDeps.add(((long) vlan << 48) | src);
            out.add(DpActions.LEARN, 0, 0, 0, 0, learned);
            note("normal: learned " + mac(src) + " on port " + OfPort.name(inPort) + " vlan " + vlan);
        }
        if (MacLearningTable.isMulticast(dst)) {
            note("normal: " + mac(dst) + " is multicast/broadcast: flood");
            normalFlood();
            return;
        }
        macDeps.add(((long) vlan << 48) | dst);
        MacLearningTable.MacEntry e = macs.lookup(vlan, dst);
        if (e == null) {
            note("normal: " + mac(dst) + " unknown in vlan " + vlan + ": flood");
            normalFlood();
        } else if (e.port() == inPort) {
            note("normal: " + mac(dst) + " is on the ingress port: drop");
        } else {
            note("normal: " + mac(dst) + " learned on port " + OfPort.name(e.port()));
            normalOutput(e.port());
        }
    }

    /** NORMAL's VLAN of the frame being switched, and whether it arrived tagged. */
    private int normalVlan;
    private boolean normalTagged;

    /** NORMAL's flood: every forwarding port but the ingress one that carries the frame's VLAN. */
    private void normalFlood() {
        int inPort = work.inPort();
        for (int n : pipeline.ports().numbers()) {
            if (n == inPort) continue;
            Ports.Port p = pipeline.ports().get(n);
            if (p == null || (p.config() & (Ports.CONFIG_NO_FWD | Ports.CONFIG_NO_FLOOD)) != 0) continue;
            normalOutput(n);
        }
    }

    /** Outputs to {@code port} as NORMAL does: only in the frame's VLAN, the tag pushed or popped as the port needs. */
    private void normalOutput(int port) {
        Ports.Port p = pipeline.ports().get(port);
        int access = p == null ? 0 : p.tag();
        if (access != 0 && access != normalVlan) {
            note("normal: port " + OfPort.name(port) + " is an access port of vlan " + access + ", not " + normalVlan + ": skipped");
            return;
        }
        if (access != 0 && normalTagged) {
            // to an access port: untagged, then the tag restored (vid and pcp as received)
            out.add(DpActions.POP_VLAN, 0);
            emit(port, false);
            out.add(DpActions.PUSH_VLAN, 0x8100);
            out.add(DpActions.SET_FIELD, Field.VLAN_VID.ordinal(), 0, work.get(Field.VLAN_VID), 0, null);
            out.add(DpActions.SET_FIELD, Field.VLAN_PCP.ordinal(), 0, work.get(Field.VLAN_PCP), 0, null);
        } else if (access == 0 && !normalTagged && normalVlan != 0) {
            // from an access port to a trunk: tagged with the access VLAN, then untagged again
            out.add(DpActions.PUSH_VLAN, 0x8100);
            out.add(DpActions.SET_FIELD, Field.VLAN_VID.ordinal(), 0, Field.VID_PRESENT | normalVlan, 0, null);
            emit(port, false);
            out.add(DpActions.POP_VLAN, 0);
        } else {
            emit(port, false);
        }
    }

    private static String mac(long m) {
        return String.format("%02x:%02x:%02x:%02x:%02x:%02x", (m >>> 40) & 0xff, (m >>> 32) & 0xff,
                (m >>> 24) & 0xff, (m >>> 16) & 0xff, (m >>> 8) & 0xff, m & 0xff);
    }

    // ---------------------------------------------------------------------------------------------- groups

    private void group(int groupId, FlowEntry entry) {
        dependOnGroup(groupId); // even when missing: adding it later must invalidate this decision
        Group g = pipeline.groups().get(groupId);
        if (g == null) {
            note("group:" + groupId + ": no such group, dropped");
            return;
        }
        if (depth > MAX_RESUBMIT_DEPTH) {
            note("group:" + groupId + ": chained too deep, dropped");
            return;
        }
        if (cloneDepth >= ActionExecutor.MAX_DEPTH) {
            // Each chained group runs its buckets in a clone; the executor keeps at most MAX_DEPTH of them.
            note("group:" + groupId + ": groups nested deeper than " + ActionExecutor.MAX_DEPTH + ", dropped");
            return;
        }
        groups.add(g);
        note("group:" + groupId + " (" + g.type.name().toLowerCase() + ")");
        depth++;
        switch (g.type) {
            case ALL -> {
                for (Bucket b : g.buckets) bucket(b, entry, true);
            }
            case INDIRECT -> {
                if (!g.buckets.isEmpty()) bucket(g.buckets.get(0), entry, true);
            }
            case FAST_FAILOVER -> {
                usesLiveness = true;
                Bucket live = null;
                for (Bucket b : g.buckets) {
                    if (bucketLive(b, 0)) { live = b; break; }
                }
                if (live == null) note("no live bucket: drop");
                else bucket(live, entry, true);
            }
            case SELECT -> {
                Bucket b = select(g);
                if (b == null) note("no live bucket: drop");
                else bucket(b, entry, true);
            }
        }
        depth--;
    }

    /** Runs a bucket's actions on a copy of the packet and key, so buckets do not see each other's edits. */
    private void bucket(Bucket b, FlowEntry entry, boolean clone) {
        buckets.add(b);
        int mark = out.size();
        if (clone) out.add(DpActions.SAVE);
        long[] savedKey = work.words.clone();
        boolean savedCacheable = cacheable;
        depth++;
        if (clone) cloneDepth++;
        applyList(b.actions, entry);
        if (clone) cloneDepth--;
        depth--;
        System.arraycopy(savedKey, 0, work.words, 0, FlowKey.WORDS);
        if (!savedCacheable) cacheable = false;
        if (clone) {
            // A bucket that only outputs leaves the packet as it found it: no clone needed.
            if (out.editsFrom(mark + 1)) out.add(DpActions.RESTORE);
            else out.remove(mark);
        }
    }

    private void dependOnGroup(int groupId) {
        if (!groupDeps.contains(groupId)) groupDeps.add(groupId);
    }

    private boolean bucketLive(Bucket b, int depthGuard) {
        if (b.watchPort != Bucket.WATCH_ANY && !pipeline.ports().live(b.watchPort)) return false;
        if (b.watchGroup != Bucket.WATCH_ANY) {
            dependOnGroup(b.watchGroup); // the watched group's buckets (or its absence) decide liveness
            Group w = pipeline.groups().get(b.watchGroup);
            if (w == null || depthGuard > 8) return false;
            boolean any = false;
            for (Bucket wb : w.buckets) if (bucketLive(wb, depthGuard + 1)) { any = true; break; }
            return any;
        }
        return true;
    }

    /**
     * Picks a select group's bucket from a hash of the flow's addresses (MAC, and IPv4, IPv6 or ARP's) and ports,
     * weighted, among live buckets.
     * The hashed fields are un-wildcarded so the megaflow keeps the choice for exactly this flow.
     */
    private Bucket select(Group g) {
        usesLiveness = true;
        long total = 0;
        for (Bucket b : g.buckets) if (bucketLive(b, 0)) total += Math.max(b.weight, 0);
        if (total == 0) {
            // OpenFlow lets weight 0 mean "unused"; if all are 0, fall back to equal weights among live buckets.
            for (Bucket b : g.buckets) if (bucketLive(b, 0)) total++;
            if (total == 0) return null;
        }
        long h = selectHash();
        long pick = Long.remainderUnsigned(h, total);
        boolean weighted = false;
        for (Bucket b : g.buckets) if (b.weight > 0 && bucketLive(b, 0)) { weighted = true; break; }
        for (Bucket b : g.buckets) {
            if (!bucketLive(b, 0)) continue;
            long w = weighted ? b.weight : 1;
            if (pick < w) return b;
            pick -= w;
        }
        return null;
    }

    private long selectHash() {
        Field[] fields = {Field.ETH_SRC, Field.ETH_DST, Field.ETH_TYPE, Field.VLAN_VID, Field.IP_PROTO};
        long h = 0x9E3779B97F4A7C15L;
        for (Field f : fields) {
            unwildcard(f);
            h = mix(h, work.get(f));
        }
        int t = work.ethType();
        if (t == Prerequisite.ETH_IPV4) {
            unwildcard(Field.IPV4_SRC);
            unwildcard(Field.IPV4_DST);
            h = mix(h, work.words[FlowKey.W_IPV4]);
        } else if (t == Prerequisite.ETH_ARP) { // ARP's IPv4 addresses: flows between hosts spread like IP's do
            unwildcard(Field.ARP_SPA);
            unwildcard(Field.ARP_TPA);
            h = mix(h, work.words[FlowKey.W_IPV4]);
        } else if (t == Prerequisite.ETH_IPV6) {
            unwildcard(Field.IPV6_SRC);
            unwildcard(Field.IPV6_DST);
            for (int i = 0; i < 4; i++) h = mix(h, work.words[FlowKey.W_IPV6_SRC + i]);
        }
        int proto = work.ipProto();
        if ((t == Prerequisite.ETH_IPV4 || t == Prerequisite.ETH_IPV6) && (proto == 6 || proto == 17 || proto == 132)) {
            unwildcard(Field.TCP_SRC);
            unwildcard(Field.TCP_DST);
            h = mix(h, work.words[FlowKey.W_L4] & 0xffffffffL);
        }
        return h;
    }

    private static long mix(long h, long v) {
        h ^= v;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    // ---------------------------------------------------------------------------------------------- meters

    /** Adds a meter; false when the meter does not exist (the packet is dropped, as Open vSwitch does). */
    private boolean meter(int meterId) {
        Meter m = pipeline.meters().get(meterId);
        if (m == null) {
            note("meter:" + meterId + ": no such meter, drop");
            return false;
        }
        meters.add(m);
        // What the packet has been counted against when this meter runs: if it drops the packet, only these.
        meterPrefixes.add(new int[] {rules.size(), lookedUp.size(), matched.size(), groups.size(), buckets.size()});
        boolean remarks = false;
        for (MeterBand b : m.bands) remarks |= b.type() == MeterBand.Type.DSCP_REMARK;
        int ip = 0;
        long dscp = 0;
        if (remarks && isIp()) {
            unwildcard(Field.IP_DSCP);
            ip = 1;
            dscp = work.get(Field.IP_DSCP);
        }
        out.add(DpActions.METER, ip, meterPrefixes.size() - 1, dscp, 0, m);
        note("meter:" + meterId);
        return true;
    }

    private void note(String text) {
        if (trace != null) trace.event(depth, text);
    }

    /**
     * The OpenFlow action set (section 5.10): at most one action of each type, set-field one per field, executed
     * in the specification's order when the pipeline ends. An output is dropped when a group is present.
     */
    static final class ActionSet {
        private final List<Action> actions = new ArrayList<>();

        /** {@code list} as an action set: one action per slot (the last written wins), in execution order. */
        static List<Action> inSetOrder(List<Action> list) {
            ActionSet s = new ActionSet();
            s.write(list);
            List<Action> sorted = new ArrayList<>(s.actions);
            sorted.sort((x, y) -> Integer.compare(x.actionSetOrder(), y.actionSetOrder()));
            return sorted;
        }

        void clear() { actions.clear(); }

        boolean isEmpty() { return actions.isEmpty(); }

        void write(List<Action> list) {
            for (Action a : list) {
                actions.removeIf(x -> sameSlot(x, a));
                actions.add(a);
            }
        }

        private static boolean sameSlot(Action x, Action a) {
            if (x instanceof Action.SetField sx && a instanceof Action.SetField sa) return sx.field() == sa.field();
            return x.getClass() == a.getClass();
        }

        List<Action> ordered() {
            List<Action> sorted = new ArrayList<>(actions);
            sorted.sort((x, y) -> Integer.compare(x.actionSetOrder(), y.actionSetOrder()));
            boolean hasGroup = sorted.stream().anyMatch(a -> a instanceof Action.Group);
            if (hasGroup) sorted.removeIf(a -> a instanceof Action.Output);
            return sorted;
        }
    }
}
