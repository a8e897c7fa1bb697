package io.vswitch.datapath.pipeline;

import io.vswitch.datapath.OfError;
import io.vswitch.datapath.OpenFlowException;
import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.action.Instruction;
import io.vswitch.datapath.action.OfPort;
import io.vswitch.datapath.flow.Field;
import io.vswitch.datapath.flow.FlowMatch;
import io.vswitch.datapath.flow.Prerequisite;
import io.vswitch.datapath.group.GroupTable;
import io.vswitch.datapath.meter.MeterTable;
import io.vswitch.datapath.table.FlowMod;
import java.util.List;

/**
 * Checks a flow-mod before anything changes, and names the OpenFlow error for what is wrong: table ids, timeouts,
 * flags, duplicate or misplaced instructions, unknown groups and meters, bad ports, and actions inconsistent with
 * the match (a set-field on a header the packet cannot have at that point, given the match and the pushes and pops
 * before it).
 */
final class FlowModValidator {
    private static final int KNOWN_FLAGS = FlowMod.FLAG_SEND_FLOW_REM | FlowMod.FLAG_CHECK_OVERLAP
            | FlowMod.FLAG_RESET_COUNTS | FlowMod.FLAG_NO_PKT_COUNTS | FlowMod.FLAG_NO_BYT_COUNTS;

    private final int tableCount;
    private final GroupTable groups;
    private final MeterTable meters;

    FlowModValidator(int tableCount, GroupTable groups, MeterTable meters) {
        this.tableCount = tableCount;
        this.groups = groups;
        this.meters = meters;
    }

    void validate(FlowMod mod) {
        boolean delete = mod.command() == FlowMod.Command.DELETE || mod.command() == FlowMod.Command.DELETE_STRICT;
        int t = mod.tableId();
        if (!(delete && t == FlowMod.ALL_TABLES) && (t < 0 || t >= tableCount)) {
            throw new OpenFlowException(OfError.FLOW_MOD_FAILED_BAD_TABLE_ID,
                    "table " + t + " does not exist (tables 0-" + (tableCount - 1) + ")");
        }
        if (delete) return;
        if (mod.priority() < 0 || mod.priority() > 0xffff) {
            throw new OpenFlowException(OfError.FLOW_MOD_FAILED_UNKNOWN, "priority " + mod.priority() + " is not 0-65535");
        }
        if (mod.idleTimeout() < 0 || mod.idleTimeout() > 0xffff || mod.hardTimeout() < 0 || mod.hardTimeout() > 0xffff) {
            throw new OpenFlowException(OfError.FLOW_MOD_FAILED_BAD_TIMEOUT, "timeouts must be 0-65535 seconds");
        }
        if ((mod.flags() & ~KNOWN_FLAGS) != 0) {
            throw new OpenFlowException(OfError.FLOW_MOD_FAILED_BAD_FLAGS, "unknown flow-mod flags 0x" + Integer.toHexString(mod.flags()));
        }
        validateInstructions(mod.instructions(), t, mod.match());
    }

    void validateInstructions(List<Instruction> instructions, int tableId, FlowMatch match) {
        boolean[] seen = new boolean[6];
        HeaderState state = new HeaderState(match);
        for (Instruction i : instructions) {
            if (seen[i.order()]) {
                throw new OpenFlowException(OfError.BAD_INSTRUCTION_DUP_INST,
                        "instruction " + i.getClass().getSimpleName() + " appears twice");
            }
            seen[i.order()] = true;
            switch (i) {
                case Instruction.GotoTable g -> {
                    if (g.tableId() <= tableId || g.tableId() >= tableCount) {
                        throw new OpenFlowException(OfError.BAD_INSTRUCTION_BAD_TABLE_ID,
                                "goto_table:" + g.tableId() + " must name a later table than " + tableId
                                        + " and below " + tableCount);
                    }
                }
                case Instruction.Meter m -> {
                    if (meters.get(m.meterId()) == null) {
                        throw new OpenFlowException(OfError.METER_MOD_FAILED_UNKNOWN_METER, "meter " + m.meterId() + " does not exist");
                    }
                }
                case Instruction.ApplyActions a -> validateActions(a.actions(), state.copy(), false, false);
                // The action set runs in the specification's order, one action per slot (the last write wins), so
                // header consistency is checked in that order, not in the order the actions were written.
                case Instruction.WriteActions w ->
                        validateActions(Translator.ActionSet.inSetOrder(w.actions()), state.copy(), true, false);
                case Instruction.ClearActions c -> { }
                case Instruction.WriteMetadata w -> { }
            }
        }
    }

    /**
     * @param lenient for packet-out: the packet is concrete, so set-field prerequisites are checked when the
     *                action runs (skipped if the header is missing) rather than against a match
     */
    void validateActions(List<Action> actions, HeaderState state, boolean actionSet, boolean lenient) {
        for (Action a : actions) {
            switch (a) {
                case Action.Output o -> {
                    if (!(lenient && o.port() == OfPort.TABLE)) checkOutPort(o.port());
                }
                case Action.Group g -> {
                    if (groups.get(g.groupId()) == null) {
                        throw new OpenFlowException(OfError.BAD_ACTION_BAD_OUT_GROUP, "group " + Integer.toUnsignedString(g.groupId()) + " does not exist");
                    }
                }
                case Action.SetField s -> checkSetField(s, lenient ? null : state);
                case Action.PushVlan v -> {
                    if (v.ethType() != Prerequisite.ETH_VLAN && v.ethType() != Prerequisite.ETH_QINQ) {
                        throw new OpenFlowException(OfError.BAD_ACTION_BAD_ARGUMENT,
                                String.format("push_vlan ethertype 0x%04x is not 0x8100 or 0x88a8", v.ethType()));
                    }
                    state.vlan = true;
                }
                case Action.PopVlan v -> state.vlan = false;
                case Action.PushMpls m -> {
                    if (m.ethType() != Prerequisite.ETH_MPLS && m.ethType() != Prerequisite.ETH_MPLS_MC) {
                        throw new OpenFlowException(OfError.BAD_ACTION_BAD_ARGUMENT,
                                String.format("push_mpls ethertype 0x%04x is not 0x8847 or 0x8848", m.ethType()));
                    }
                    state.ethType = m.ethType();
                    state.ipProto = -1;
                }
                case Action.PopMpls m -> {
                    state.ethType = m.ethType();
                    state.ipProto = -1;
                }
                case Action.PushPbb p -> {
                    if (p.ethType() != Prerequisite.ETH_PBB) {
                        throw new OpenFlowException(OfError.BAD_ACTION_BAD_ARGUMENT,
                                String.format("push_pbb ethertype 0x%04x is not 0x88e7", p.ethType()));
                    }
                    state.ethType = Prerequisite.ETH_PBB;
                    state.ipProto = -1;
                }
                case Action.PopPbb p -> {
                    state.ethType = -1;
                    state.ipProto = -1;
                }
                case Action.SetQueue q -> { }
                case Action.SetMplsTtl s -> checkTtl(s.ttl());
                case Action.SetNwTtl s -> checkTtl(s.ttl());
                case Action.DecMplsTtl d -> { }
                case Action.DecNwTtl d -> { }
                case Action.CopyTtlOut c -> { }
                case Action.CopyTtlIn c -> { }
            }
        }
    }

    private static void checkTtl(int ttl) {
        if (ttl < 0 || ttl > 255) throw new OpenFlowException(OfError.BAD_ACTION_BAD_ARGUMENT, "TTL " + ttl + " is not 0-255");
    }

    static void checkOutPort(int port) {
        boolean ok = OfPort.isPhysical(port) || port == OfPort.IN_PORT || port == OfPort.NORMAL
                || port == OfPort.FLOOD || port == OfPort.ALL || port == OfPort.CONTROLLER || port == OfPort.LOCAL;
        if (!ok) {
            throw new OpenFlowException(OfError.BAD_ACTION_BAD_OUT_PORT, "cannot output to port " + OfPort.name(port)
                    + (port == OfPort.TABLE ? " (TABLE is for packet-out only)" : ""));
        }
    }

    private static void checkSetField(Action.SetField s, HeaderState state) {
        Field f = s.field();
        if (f == Field.IN_PORT || f == Field.IN_PHY_PORT || f == Field.NW_FRAG || f == Field.IPV6_EXTHDR
                || f == Field.TCP_FLAGS || f == Field.CVLAN_TCI) {
            throw new OpenFlowException(OfError.BAD_ACTION_BAD_SET_TYPE, f.oxmName() + " cannot be set");
        }
        if (!f.is128() && (s.value() & ~f.valueMask) != 0) {
            throw new OpenFlowException(OfError.BAD_ACTION_BAD_SET_ARGUMENT,
                    "set_field " + f.oxmName() + " value 0x" + Long.toHexString(s.value()) + " does not fit in " + f.bits + " bits");
        }
        if (state == null) return;
        Prerequisite p = f.prerequisites();
        String why = null;
        if (p.vlanPresent() && !state.vlan) why = "the packet has no VLAN tag at that point";
        else if (p.ethTypes().length > 0 && !contains(p.ethTypes(), state.ethType)) {
            why = "the packet's eth_type is " + (state.ethType < 0 ? "not known from the match" : String.format("0x%04x", state.ethType));
        } else if (p.ipProto() >= 0 && state.ipProto != p.ipProto()) {
            why = "the match does not pin ip_proto to " + p.ipProto();
        }
        if (why != null) {
            throw new OpenFlowException(OfError.BAD_ACTION_MATCH_INCONSISTENT, "set_field " + f.oxmName() + ": " + why);
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }

    /** What the match and earlier actions tell about the packet's headers. */
    static final class HeaderState {
        int ethType = -1, ipProto = -1;
        boolean vlan;

        HeaderState(FlowMatch match) {
            FlowMatch.Entry t = match.entry(Field.ETH_TYPE);
            if (t != null && t.exact()) ethType = (int) t.value();
            FlowMatch.Entry p = match.entry(Field.IP_PROTO);
            if (p != null && p.exact()) ipProto = (int) p.value();
            FlowMatch.Entry v = match.entry(Field.VLAN_VID);
            vlan = v != null && (v.value() & v.mask() & Field.VID_PRESENT) != 0;
            FlowMatch.Entry tci = match.entry(Field.VLAN_TCI);
            vlan |= tci != null && (tci.value() & tci.mask() & Field.VID_PRESENT) != 0;
        }

        private HeaderState() { }

        HeaderState copy() {
            HeaderState s = new HeaderState();
            s.ethType = ethType;
            s.ipProto = ipProto;
            s.vlan = vlan;
            return s;
        }
    }
}
