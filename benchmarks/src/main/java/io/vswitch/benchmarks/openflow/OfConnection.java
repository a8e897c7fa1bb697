package io.vswitch.benchmarks.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFAggregateStatsReply;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * A blocking OpenFlow 1.3 connection for the benchmarks' clients: one socket, one thread (the caller's), messages
 * framed by their length field and parsed with openflowj. Echo requests met while waiting for something are answered
 * on the spot, so a switch's inactivity probe never cuts a slow wait short.
 *
 * <p>Writes go through a buffer and reach the socket only on {@link #flush()} (or when the buffer fills): a caller
 * sending many messages decides when the batch ends. {@link #writeRaw} writes pre-encoded bytes.
 *
 * <p>Not thread-safe; nothing here is on a switch's hot path, only the clients'.
 */
final class OfConnection implements AutoCloseable {
    static final OFFactory OF13 = OFFactories.getFactory(OFVersion.OF_13);
    private static final OFMessageReader<OFMessage> READER = OFFactories.getGenericReader();
    private static final int MAX_MESSAGE = 0xffff;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final byte[] frame = new byte[MAX_MESSAGE];
    private final ByteBuf encodeBuf = Unpooled.buffer(MAX_MESSAGE);
    private long nextXid = 1;

    OfConnection(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
    }

    /** Connects to {@code host:port} (a switch's passive listener, e.g. {@code ptcp:6653}). */
    static OfConnection connect(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("expected HOST:PORT, got " + hostPort);
        Socket s = new Socket();
        s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                5000);
        return new OfConnection(s);
    }

    long xid() {
        return nextXid++;
    }

    /** HELLO both ways (OpenFlow 1.3 only), then FEATURES_REQUEST; returns the features reply. */
    OFFeaturesReply handshake() throws IOException {
        send(OF13.buildHello().setXid(xid()).build());
        flush();
        OFMessage hello = read();
        if (!(hello instanceof OFHello)) throw new IOException("expected HELLO first, got " + hello.getType());
        if (hello.getVersion().compareTo(OFVersion.OF_13) < 0) {
            throw new IOException("switch offers OpenFlow " + hello.getVersion() + " only; this client speaks 1.3");
        }
        long x = xid();
        send(OF13.buildFeaturesRequest().setXid(x).build());
        flush();
        return (OFFeaturesReply) await(x, OFFeaturesReply.class);
    }

    /** Encodes {@code m} into the write buffer. */
    void send(OFMessage m) throws IOException {
        encodeBuf.clear();
        m.writeTo(encodeBuf);
        out.write(encodeBuf.array(), encodeBuf.arrayOffset(), encodeBuf.readableBytes());
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** True when a whole message header or more is already buffered or waiting in the socket. */
    boolean readable() throws IOException {
        return in.available() > 0;
    }

    /** The next message; echo requests are answered here and never returned. */
    OFMessage read() throws IOException {
        while (true) {
            int n = readFrame();
            OFMessage m;
            try {
                m = READER.readFrom(Unpooled.wrappedBuffer(frame, 0, n));
            } catch (OFParseError e) {
                throw new IOException("unparsable message from the switch (type " + (frame[1] & 0xff) + "): "
                        + e.getMessage(), e);
            }
            if (m instanceof OFEchoRequest e) {
                send(m.getVersion() == OFVersion.OF_13
                        ? OF13.buildEchoReply().setXid(e.getXid()).setData(e.getData()).build()
                        : OFFactories.getFactory(m.getVersion()).buildEchoReply().setXid(e.getXid()).setData(e.getData()).build());
                flush();
                continue;
            }
            return m;
        }
    }

    /** Reads one framed message into {@link #frame}; returns its length. */
    private int readFrame() throws IOException {
        try {
            in.readFully(frame, 0, 8);
        } catch (EOFException e) {
            throw new EOFException("the switch closed the connection");
        }
        int len = ((frame[2] & 0xff) << 8) | (frame[3] & 0xff);
        if (len < 8) throw new IOException("OpenFlow message length " + len + " < 8");
        in.readFully(frame, 8, len - 8);
        return len;
    }

    /**
     * Reads until the reply with {@code xid} of class {@code type}; an OFPT_ERROR (for any xid: in a benchmark every
     * error is a failure) throws, naming the error and the request's xid.
     */
    OFMessage await(long xid, Class<? extends OFMessage> type) throws IOException {
        while (true) {
            OFMessage m = read();
            if (m instanceof OFErrorMsg e) {
                throw new IOException("switch error for xid " + e.getXid() + ": " + e);
            }
            if (m.getXid() == xid && type.isInstance(m)) return m;
        }
    }

    /** Sends a barrier and waits for its reply. */
    void barrier() throws IOException {
        long x = xid();
        send(OF13.buildBarrierRequest().setXid(x).build());
        flush();
        await(x, OFBarrierReply.class);
    }

    /** Deletes every flow of every table, confirmed by a barrier. */
    void deleteAllFlows() throws IOException {
        send(OF13.buildFlowDelete().setXid(xid()).setTableId(TableId.ALL).setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY).setMatch(OF13.buildMatch().build()).build());
        barrier();
    }

    /** flow_count of an aggregate request over all tables and flows (like {@code ovs-ofctl dump-aggregate}). */
    long flowCount() throws IOException {
        long x = xid();
        send(OF13.buildAggregateStatsRequest().setXid(x).setTableId(TableId.ALL).setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY).setMatch(OF13.buildMatch().build())
                .setCookie(U64.ZERO)
                .setCookieMask(U64.ZERO).build());
        flush();
        return ((OFAggregateStatsReply) await(x, OFAggregateStatsReply.class)).getFlowCount();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
