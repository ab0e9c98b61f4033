package dev.ferry;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * JSON with a key twice ({"requestId":"a","requestId":"b"}) is refused, in REST bodies and Kafka
 * records alike (both read with this mapper): silently taking the last value would let a reviewer
 * and Ferry read different requests.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
