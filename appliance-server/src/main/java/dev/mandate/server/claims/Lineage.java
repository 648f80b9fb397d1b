package dev.mandate.server.claims;

/**
 * What revocation needs to know of a token: itself, its holder, its task, its tree, and its ancestors
 * (root first). A token's claims carry all of it, so checking needs no database.
 */
public interface Lineage {
    String jti();

    String subject();

    String taskId();

    String rootAgent();

    int depth();

    String ancestorAgent(int i);

    String ancestorJti(int i);

    /** The key that signed it. */
    String kid();
}
