package io.trawl.support;

import io.smallrye.config.WithDefault;

/**
 * Postgres connection settings ({@code trawl.db.*}, env TRAWL_DB_*), the same in every service: a group of
 * each service's {@code @ConfigMapping}; application.properties maps them onto {@code quarkus.datasource.*}.
 */
public interface DbSettings {

    /** Postgres host. */
    @WithDefault("127.0.0.1")
    String host();

    /** Postgres port. */
    @WithDefault("5432")
    int port();

    /** Database name. */
    @WithDefault("trawl")
    String name();

    /** Database user. */
    @WithDefault("trawl")
    String user();

    /** Database password. */
    @WithDefault("trawl")
    String password();
}
