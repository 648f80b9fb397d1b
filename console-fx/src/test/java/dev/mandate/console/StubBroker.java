package dev.mandate.console;

import dev.mandate.console.client.BrokerApi;
import dev.mandate.console.client.Model;

import java.net.URI;
import java.util.List;

/** A broker that answers nothing: view-model tests override what their tab asks, and any other call fails loudly. */
class StubBroker implements BrokerApi {

    @Override
    public URI base() {
        return URI.create("http://127.0.0.1:1");
    }

    @Override
    public Model.Health health() {
        throw new UnsupportedOperationException("health");
    }

    @Override
    public Model.AgentPage agents(Model.AgentQuery query, int offset, int limit) {
        throw new UnsupportedOperationException("agents");
    }

    @Override
    public int revoke(String level, String target) {
        throw new UnsupportedOperationException("revoke");
    }

    @Override
    public List<Model.KeyView> keys() {
        throw new UnsupportedOperationException("keys");
    }

    @Override
    public String rotateNow() {
        throw new UnsupportedOperationException("rotateNow");
    }

    @Override
    public Model.AuditPage auditPage(Model.AuditQuery query, int page, int pageSize, long anchorTotal) {
        throw new UnsupportedOperationException("auditPage");
    }

    @Override
    public Model.Verification verify() {
        throw new UnsupportedOperationException("verify");
    }

    @Override
    public Model.CreatedApp createApp(String name, List<String> scopes, Long tokenTtl) {
        throw new UnsupportedOperationException("createApp");
    }

    @Override
    public Model.AppView updateApp(String appId, List<String> scopes, Long tokenTtl) {
        throw new UnsupportedOperationException("updateApp");
    }

    @Override
    public List<Model.AuditRow> auditOf(String agentId) {
        throw new UnsupportedOperationException("auditOf");
    }

    @Override
    public Model.ChainNode chain(String root) {
        throw new UnsupportedOperationException("chain");
    }

    @Override
    public List<Model.ChainNode> chains(List<String> roots) {
        throw new UnsupportedOperationException("chains");
    }

    @Override
    public int previewRevocation(String level, List<String> targets) {
        throw new UnsupportedOperationException("previewRevocation");
    }

    @Override
    public int revokeKey(String kid) {
        throw new UnsupportedOperationException("revokeKey");
    }

    @Override
    public Model.Overview overview() {
        throw new UnsupportedOperationException("overview");
    }

    @Override
    public List<Model.AppView> apps() {
        throw new UnsupportedOperationException("apps");
    }

    @Override
    public Model.Deactivation deactivate(String appId, boolean revokeAgents) {
        throw new UnsupportedOperationException("deactivate");
    }
}
