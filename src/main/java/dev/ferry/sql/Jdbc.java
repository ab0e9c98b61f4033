package dev.ferry.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

/** Ferry's one helper for a single parameterised write on a pooled connection; callers turn failures into their own errors. */
public final class Jdbc {

    private Jdbc() {
    }

    /** Runs {@code sql} with {@code params} bound in order; returns the rows it changed. */
    public static int update(DataSource dataSource, String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }
}
