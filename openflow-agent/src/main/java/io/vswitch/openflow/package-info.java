/**
 * The switch side of the OpenFlow channel: controllers and tools ({@code ovs-ofctl}) drive a bridge's pipeline.
 *
 * <h2>What</h2>
 * {@link io.vswitch.openflow.OpenFlowAgent} owns one netty {@code NioEventLoopGroup} for every connection of every
 * bridge. A bridge is seen through {@link io.vswitch.openflow.SwitchBackend} (datapath id, pipeline, ports,
 * packet-out, statistics sync), which vswitchd implements; {@code OpenFlowAgent.attach} gives it a
 * {@code Session} whose targets are {@code tcp:IP:PORT} (active, reconnecting with exponential backoff decided by
 * the pure state machine {@link io.vswitch.openflow.Reconnect}) and {@code ptcp:PORT[:IP]} (passive).
 *
 * <h2>How</h2>
 * A connection's netty pipeline: an idle-state handler (inactivity probe), {@code OfFrameDecoder} (the 16-bit
 * length of the OpenFlow header, then openflowj's generic reader), {@code OfEncoder}, and {@code OfChannelHandler},
 * the state machine (WAIT_HELLO, ESTABLISHED, CLOSED; version by HELLO bitmap, the highest common of 1.0, 1.3, 1.4,
 * 1.5). {@code OfConvert} translates matches through the OXM wire format (one loop for every field
 * {@link io.vswitch.datapath.flow.Field} knows), actions and instructions both ways; {@code OfGroupsMeters} and
 * {@code OfTableFeatures} do groups, meters and table features. openflowj has no PBB_ISID: {@code PbbIsidOxm}
 * rewrites it to a stand-in OXM on the way in and back on the way out, so the rest of the agent never sees the gap.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Messages of one connection are handled in order on its event loop, and the pipeline applies every change
 *       synchronously (its caches invalidated before it returns), so a BARRIER_REPLY means every earlier message
 *       was applied and no packet is forwarded by a decision older than them.</li>
 *   <li>A rejected request gets OFPT_ERROR with the OpenFlow 1.3 type/code the datapath named
 *       ({@link io.vswitch.datapath.OfError}) or the agent's own ({@code Rejection}), echoing the first 64 bytes of
 *       the request, and the connection stays up; only a broken byte stream (length below 8) closes it.</li>
 *   <li>Datapath threads never block on the channel: packet-ins go through a bounded queue per bridge, dropped and
 *       counted when it is full or no controller is connected; flow-removed notifications only hop onto the event
 *       loop.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Everything of a connection runs on its event loop; {@code Session.setTargets} is called by the daemon (it binds
 * listeners synchronously, so a taken port is reported to the caller). Nothing here calls back into the daemon
 * while holding a lock the daemon could be waiting on.
 */
package io.vswitch.openflow;
