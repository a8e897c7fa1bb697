package io.vswitch.openflow;

import io.vswitch.datapath.action.Action;
import io.vswitch.datapath.pipeline.Pipeline;

import java.util.List;

/**
 * What the OpenFlow channel needs from one bridge; vswitchd implements it. Calls come from the agent's event
 * loop threads, so implementations must be thread-safe (the pipeline already is).
 */
public interface SwitchBackend {
    /** The datapath id announced in FEATURES_REPLY. */
    long datapathId();

    /** The bridge's name (logs, LOCAL port name). */
    String name();

    Pipeline pipeline();

    /**
     * Fail mode: true for standalone (the bridge fails open, switching by NORMAL, when its controllers are lost),
     * false for secure (the flow tables keep deciding).
     */
    boolean failStandalone();

    /** The ports as OpenFlow sees them, with current counters. */
    List<PortInfo> ports();

    /**
     * Sends {@code frame} through {@code actions} as if it arrived on {@code inPort} ({@code OFPP_CONTROLLER} or a
     * port): frames leave through the real ports. Throws {@link io.vswitch.datapath.OpenFlowException} for invalid
     * actions (nothing is sent then).
     */
    void packetOut(byte[] frame, int inPort, List<Action> actions);

    /** Credits cached hits to the OpenFlow counters, so statistics read next are current. */
    void syncStats();

    /**
     * One port.
     *
     * @param mac    6 bytes
     * @param config {@code OFPPC_*} bits
     */
    record PortInfo(int number, String name, byte[] mac, boolean linkUp, int config, long rxPackets, long txPackets,
                    long rxBytes, long txBytes, long rxDropped, long txDropped, long rxErrors) {
    }
}
