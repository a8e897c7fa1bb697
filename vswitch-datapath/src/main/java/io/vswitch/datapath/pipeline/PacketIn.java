package io.vswitch.datapath.pipeline;

/**
 * Why and from where a packet goes to the controller: decided by the translator, carried by the compiled
 * actions, delivered through {@link PacketSink#packetIn}.
 *
 * @param reason  OFPR_NO_MATCH (0, the table-miss entry), OFPR_ACTION (1) or OFPR_INVALID_TTL (2)
 * @param maxLen  bytes of the frame to send (0xffff: all of it)
 */
public record PacketIn(int reason, int tableId, long cookie, int maxLen, int inPort, long metadata, long tunnelId) {
    public static final int REASON_NO_MATCH = 0, REASON_ACTION = 1, REASON_INVALID_TTL = 2;
}
