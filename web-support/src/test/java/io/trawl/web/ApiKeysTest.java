package io.trawl.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void mapsKeysToTenants() {
        ApiKeys keys = ApiKeys.parse(" k1=acme , k2=globex,");
        assertThat(keys.tenantOf("k1")).contains("acme");
        assertThat(keys.tenantOf("k2")).contains("globex");
        assertThat(keys.tenantOf("k3")).isEmpty();
        assertThat(keys.tenantOf("")).isEmpty();
        assertThat(keys.tenantOfAuthorization("Bearer k1")).contains("acme");
        assertThat(keys.tenantOfAuthorization("bearer k2")).contains("globex");
        assertThat(keys.tenantOfAuthorization("Basic k1")).isEmpty();
        assertThat(keys.tenantOfAuthorization(null)).isEmpty();
    }

    @Test
    void keysMayContainEquals() {
        assertThat(ApiKeys.parse("a=b=acme").tenantOf("a=b")).contains("acme");
    }

    @Test
    void emptyConfigurationAcceptsNobody() {
        assertThat(ApiKeys.parse("").isEmpty()).isTrue();
        assertThat(ApiKeys.parse(null).tenantOf("x")).isEmpty();
    }

    @Test
    void rejectsMalformedEntries() {
        assertThatThrownBy(() -> ApiKeys.parse("justakey")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeys.parse("k=")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeys.parse("k=bad tenant")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rolesComeFromTheTenantEntryOrTheAdminList() {
        ApiKeys keys = ApiKeys.parse("k1=acme,k2=acme:viewer,k3=globex:tenant", "root1, root2");
        assertThat(keys.callerOf("k1")).contains(new Caller("acme", Role.TENANT));
        assertThat(keys.callerOf("k2")).contains(new Caller("acme", Role.VIEWER));
        assertThat(keys.callerOf("k3")).contains(new Caller("globex", Role.TENANT));
        assertThat(keys.callerOf("root2")).contains(Caller.admin());
        assertThat(keys.callerOfAuthorization("Bearer root1")).contains(Caller.admin());
        // an admin key has no tenant of its own
        assertThat(keys.tenantOf("root1")).isEmpty();
        assertThat(keys.tenantOf("k2")).contains("acme");
    }

    @Test
    void rejectsUnknownRolesAndRepeatedKeys() {
        assertThatThrownBy(() -> ApiKeys.parse("k=acme:owner")).hasMessageContaining("unknown role 'owner'");
        assertThatThrownBy(() -> ApiKeys.parse("k=acme:admin")).hasMessageContaining("TRAWL_ADMIN_KEYS");
        assertThatThrownBy(() -> ApiKeys.parse("k=acme", "k")).hasMessageContaining("repeats a key")
                .hasMessageNotContaining("k=");
    }
}
