package io.vswitch.datapath;

/**
 * A request the datapath refuses, with the OpenFlow error it maps to and a sentence for humans
 * ("tcp_dst needs ip_proto=6 in the match"). Thrown before anything is changed: a rejected request has no effect.
 */
public final class OpenFlowException extends RuntimeException {
    private final OfError error;

    public OpenFlowException(OfError error, String message) {
        super(message);
        this.error = error;
    }

    public OfError error() {
        return error;
    }

    @Override
    public String toString() {
        return error + ": " + getMessage();
    }
}
