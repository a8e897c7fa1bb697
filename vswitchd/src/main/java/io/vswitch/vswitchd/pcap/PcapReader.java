package io.vswitch.vswitchd.pcap;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * Reads the frames of an Ethernet capture (pcap, or pcapng as far as libpcap reads it) with pcap4j. Every
 * problem is an {@link IOException} that names the file and says what is wrong with it.
 */
public final class PcapReader implements AutoCloseable {
    private final Path file;
    private final PcapHandle handle;
    private int originalLength;

    private PcapReader(Path file, PcapHandle handle) {
        this.file = file;
        this.handle = handle;
    }

    /** Opens {@code file}; fails if it is missing, unreadable, not a capture, or not of Ethernet frames. */
    public static PcapReader open(Path file) throws IOException {
        if (!Files.exists(file)) throw new IOException("no such file " + file);
        if (!Files.isRegularFile(file)) throw new IOException(file + " is not a regular file");
        if (!Files.isReadable(file)) throw new IOException("cannot read " + file + ": permission denied");
        PcapHandle h;
        try {
            h = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.MICRO);
        } catch (PcapNativeException e) {
            throw new IOException(file + " is not a pcap file (libpcap: " + e.getMessage() + ")", e);
        } catch (LinkageError e) { // UnsatisfiedLinkError, or pcap4j's native mappings failing to initialise
            throw new IOException("libpcap cannot be loaded (install libpcap0.8): " + e.getMessage(), e);
        }
        DataLinkType dlt = h.getDlt();
        if (!DataLinkType.EN10MB.equals(dlt)) {
            h.close();
            throw new IOException(file + " holds " + dlt + " frames, not Ethernet: it cannot be replayed into a port");
        }
        return new PcapReader(file, h);
    }

    /** The next frame's captured bytes, or null at the end of the file. */
    public byte[] next() throws IOException {
        try {
            byte[] frame = handle.getNextRawPacketEx();
            Integer orig = handle.getOriginalLength();
            originalLength = orig == null ? frame.length : orig;
            return frame;
        } catch (EOFException e) {
            return null;
        } catch (PcapNativeException e) {
            throw new IOException(file + ": " + e.getMessage(), e); // e.g. "truncated dump file"
        } catch (TimeoutException | NotOpenException e) {
            throw new IOException(file + ": " + e, e); // not for offline handles; reported rather than hidden
        }
    }

    /** The length the last frame had on the wire (more than its bytes if the capture cut it short). */
    public int originalLength() { return originalLength; }

    @Override
    public void close() {
        handle.close();
    }
}
