package io.vswitch.openflow;

/**
 * When an active connection (tcp:IP:PORT) should be attempted: a pure state machine in the manner of Open vSwitch's
 * {@code lib/reconnect.c}. It holds no clock: every call takes {@code now} (milliseconds), so tests drive it with
 * made-up times and the agent with the event loop's.
 *
 * <pre>
 *   BACKOFF --deadline--> CONNECTING --connected--> ACTIVE
 *      ^                      |                        |
 *      +---- failed/timeout --+------ disconnected ----+
 * </pre>
 * The backoff starts at {@code minBackoff}, doubles on every failed attempt up to {@code maxBackoff}, and starts
 * over once a connection has stayed up for at least {@code maxBackoff} (a connection that drops at once does not
 * reset it, so a controller that accepts and closes is not hammered).
 */
public final class Reconnect {
    public enum State { BACKOFF, CONNECTING, ACTIVE }

    /** What the caller should do now. */
    public enum Action { NONE, CONNECT, DISCONNECT }

    private final long minBackoff, maxBackoff, connectTimeout;
    private State state = State.BACKOFF;
    private long entered;
    private long backoff;

    public Reconnect(long minBackoffMillis, long maxBackoffMillis, long connectTimeoutMillis, long now) {
        if (minBackoffMillis <= 0 || maxBackoffMillis < minBackoffMillis) {
            throw new IllegalArgumentException("need 0 < minBackoff <= maxBackoff, got " + minBackoffMillis + ", " + maxBackoffMillis);
        }
        this.minBackoff = minBackoffMillis;
        this.maxBackoff = maxBackoffMillis;
        this.connectTimeout = connectTimeoutMillis;
        this.entered = now;
        this.backoff = 0; // the first attempt is immediate
    }

    public State state() { return state; }

    /** The current backoff (the wait before the next attempt after a failure). */
    public long backoff() { return backoff; }

    /** What to do at {@code now}. */
    public Action run(long now) {
        return switch (state) {
            case BACKOFF -> now >= entered + backoff ? Action.CONNECT : Action.NONE;
            case CONNECTING -> now >= entered + connectTimeout ? Action.DISCONNECT : Action.NONE;
            case ACTIVE -> Action.NONE;
        };
    }

    /** When {@link #run} next has something to say (or {@code Long.MAX_VALUE}). */
    public long deadline() {
        return switch (state) {
            case BACKOFF -> entered + backoff;
            case CONNECTING -> entered + connectTimeout;
            case ACTIVE -> Long.MAX_VALUE;
        };
    }

    public void connecting(long now) {
        state = State.CONNECTING;
        entered = now;
    }

    public void connected(long now) {
        state = State.ACTIVE;
        entered = now;
    }

    /** The attempt failed or the connection was lost. */
    public void disconnected(long now) {
        boolean stable = state == State.ACTIVE && now - entered >= maxBackoff;
        backoff = stable ? minBackoff : Math.min(maxBackoff, backoff == 0 ? minBackoff : backoff * 2);
        state = State.BACKOFF;
        entered = now;
    }
}
