package io.vswitch.datapath.packet;

import io.vswitch.datapath.flow.Field;

/** STUB: replaced by the real editor. Edits a parsed packet in place, keeping checksums right. */
public final class PacketEditor {
    public static void setField(Packet p, Field f, long value, long valueLow) {}
    public static void pushVlan(Packet p, int tpid) {}
    public static void popVlan(Packet p) {}
    public static void pushMpls(Packet p, int ethType) {}
    public static void popMpls(Packet p, int ethType) {}
    public static void pushPbb(Packet p, int ethType) {}
    public static void popPbb(Packet p) {}
    public static void setMplsTtl(Packet p, int ttl) {}
    public static boolean decMplsTtl(Packet p) { return true; }
    public static void setNwTtl(Packet p, int ttl) {}
    public static boolean decNwTtl(Packet p) { return true; }
    public static void copyTtlOut(Packet p) {}
    public static void copyTtlIn(Packet p) {}

    private PacketEditor() {}
}
