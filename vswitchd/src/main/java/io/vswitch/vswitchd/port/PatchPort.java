package io.vswitch.vswitchd.port;

import io.vswitch.datapath.packet.Packet;

/**
 * One end of a patch between two bridges of the same daemon (Open vSwitch's patch port): what one bridge outputs
 * here enters the peer bridge on the peer end. Frames are queued in the peer end's receive batch and picked up by
 * the datapath thread in the same cycle, so no thread hand-off happens (both bridges' ports with patches are
 * served by the same thread).
 */
public final class PatchPort extends Port {
    private final String peerName;
    private PatchPort peer;
    private final TxBatch inbox;

    public PatchPort(int number, String name, String peerName) {
        super(number, name);
        this.peerName = peerName;
        this.inbox = new TxBatch(AfPacketPort.BATCH * 2);
    }

    public String peerName() { return peerName; }

    public void connect(PatchPort other) {
        this.peer = other;
        other.peer = this;
    }

    public boolean connected() { return peer != null; }

    @Override public Type type() { return Type.PATCH; }

    @Override public int pollFd() { return -1; }

    /** Frames waiting in this end (sent by the peer bridge). */
    public synchronized boolean pending() { return inbox.count > 0; }

    @Override
    public synchronized int receive(Packet[] packets) {
        int n = Math.min(inbox.count, packets.length);
        for (int i = 0; i < n; i++) {
            packets[i].copyFrom(inbox.slots[i]);
            rxBytes += packets[i].length;
        }
        // Shift what is left (rare: more than a batch waiting).
        int left = inbox.count - n;
        for (int i = 0; i < left; i++) inbox.slots[i].copyFrom(inbox.slots[n + i]);
        inbox.count = left;
        rxPackets += n;
        return n;
    }

    @Override
    public void send(TxBatch tx) {
        PatchPort to = peer;
        int n = tx.count;
        tx.count = 0;
        if (to == null) {
            txDropped += n;
            return;
        }
        synchronized (to) {
            for (int i = 0; i < n; i++) {
                Packet p = tx.slots[i];
                if (to.inbox.add(p)) {
                    txPackets++;
                    txBytes += p.length;
                } else {
                    txDropped++;
                }
            }
        }
    }

    @Override public boolean linkUp() { return peer != null; }

    @Override
    public void close() {
        if (peer != null) peer.peer = null;
        peer = null;
    }
}
