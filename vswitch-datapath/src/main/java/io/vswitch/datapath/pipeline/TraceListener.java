package io.vswitch.datapath.pipeline;

/** Receives the slow path's explanation of a translation, line by line ({@code depth}: nesting level). */
@FunctionalInterface
public interface TraceListener {
    void event(int depth, String text);
}
