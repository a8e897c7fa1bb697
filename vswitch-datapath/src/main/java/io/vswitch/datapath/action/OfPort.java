package io.vswitch.datapath.action;

/** OpenFlow 1.3 port numbers, including the reserved ones (ofp_port_no). Ports are unsigned 32-bit ints. */
public final class OfPort {
    /** Highest number a physical or logical port may have. */
    public static final int MAX = 0xffffff00;
    public static final int IN_PORT = 0xfffffff8;
    public static final int TABLE = 0xfffffff9;
    public static final int NORMAL = 0xfffffffa;
    public static final int FLOOD = 0xfffffffb;
    public static final int ALL = 0xfffffffc;
    public static final int CONTROLLER = 0xfffffffd;
    public static final int LOCAL = 0xfffffffe;
    public static final int ANY = 0xffffffff;

    /** Whether {@code port} names a single real port (1..MAX). */
    public static boolean isPhysical(int port) {
        return port != 0 && Integer.compareUnsigned(port, MAX) <= 0;
    }

    /** Name as ovs-ofctl prints it ("IN_PORT", "CONTROLLER", ...) or the number. */
    public static String name(int port) {
        return switch (port) {
            case IN_PORT -> "IN_PORT";
            case TABLE -> "TABLE";
            case NORMAL -> "NORMAL";
            case FLOOD -> "FLOOD";
            case ALL -> "ALL";
            case CONTROLLER -> "CONTROLLER";
            case LOCAL -> "LOCAL";
            case ANY -> "ANY";
            default -> Integer.toUnsignedString(port);
        };
    }

    private OfPort() {}
}
