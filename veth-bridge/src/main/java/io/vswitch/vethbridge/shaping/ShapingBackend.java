package io.vswitch.vethbridge.shaping;

import io.vswitch.vethbridge.netns.Netns;
import java.io.IOException;
import java.util.Set;

/**
 * Something that can shape a link's egress: kernel qdiscs ({@link KernelShaping}) or, in the
 * emulator, the vswitch port's link emulation. {@link #apply} replaces whatever shaping the link
 * had (changeable at run time); it refuses a request with any parameter outside
 * {@link #supported()} and then changes nothing.
 */
public interface ShapingBackend {
    /** A short name for messages ("kernel qdiscs"). */
    String name();

    /** The parameters this back end can serve here (may depend on the running kernel). */
    Set<LinkShaping.Param> supported() throws IOException;

    /** Shapes the egress of {@code device} in {@code ns}; {@link LinkShaping#NONE} is {@link #clear}. */
    void apply(Netns ns, String device, LinkShaping shaping) throws IOException;

    /** Removes our shaping from {@code device} (a no-op when it has none). */
    void clear(Netns ns, String device) throws IOException;
}
