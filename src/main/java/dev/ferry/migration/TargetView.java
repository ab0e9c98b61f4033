package dev.ferry.migration;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A configured target and where its schema stands; {@code error} says why the rest is missing. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetView(String name, String currentVersion, Integer applied, Integer pending, Integer failed, String error) {
}
