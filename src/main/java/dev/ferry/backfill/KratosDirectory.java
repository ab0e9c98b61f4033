package dev.ferry.backfill;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Finds Kratos identities by login identifier (email); fails with {@link KratosException}. */
interface KratosDirectory {

    CompletableFuture<List<KratosIdentity>> findByEmail(String email);
}
