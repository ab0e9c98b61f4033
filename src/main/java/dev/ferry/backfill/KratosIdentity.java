package dev.ferry.backfill;

/** The part of a Kratos identity the backfill needs. */
public record KratosIdentity(String id, String email, String state) {
}
