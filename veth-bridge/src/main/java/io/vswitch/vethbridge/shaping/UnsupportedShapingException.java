package io.vswitch.vethbridge.shaping;

import io.vswitch.vethbridge.VethBridgeException;
import java.util.Set;

/** A back end cannot do some requested parameters; nothing was changed. */
public final class UnsupportedShapingException extends VethBridgeException {
    private static final long serialVersionUID = 1L;
    private final transient Set<LinkShaping.Param> unsupported;

    public UnsupportedShapingException(String message, Set<LinkShaping.Param> unsupported) {
        super(message);
        this.unsupported = Set.copyOf(unsupported);
    }

    /** The requested parameters the back end cannot serve. */
    public Set<LinkShaping.Param> unsupported() {
        return unsupported;
    }
}
