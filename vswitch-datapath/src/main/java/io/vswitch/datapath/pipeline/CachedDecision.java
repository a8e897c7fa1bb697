package io.vswitch.datapath.pipeline;

/**
 * A translation held by a cache. The pipeline keeps every registered one so that a change (flow-mod, group-mod,
 * meter-mod, port change, MAC learning) can invalidate exactly the cached decisions it affects, before the change
 * is acknowledged: once {@code Pipeline.flowMod} returns, no packet is forwarded by a stale decision.
 */
public interface CachedDecision {
    Translation translation();

    /** Marks the decision stale. Called from any thread; the owning cache drops it on its next look. */
    void invalidate();
}
