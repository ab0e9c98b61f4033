package dev.ferry.request.rollout;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.request.RequestLedger;
import dev.ferry.sql.Jdbc;

/** The rollout tables: every statement that reads or writes {@code ferry_rollout} and {@code ferry_rollout_target}. */
@ApplicationScoped
public class RolloutStore {

    /** Where a rollout is: driven (RUNNING), held (PAUSED), stopping (HALTING, ABORTING: no new target starts), or DONE. */
    public enum State {
        RUNNING, PAUSED, HALTING, ABORTING, DONE;

        boolean active() {
            return this != DONE;
        }
    }

    /** Where one target of a rollout is. */
    public enum TargetState {
        PENDING, SUBMITTED, SUCCEEDED, SKIPPED, FAILED, REJECTED;

        boolean finished() {
            return this != PENDING && this != SUBMITTED;
        }

        boolean failed() {
            return this == FAILED || this == REJECTED;
        }
    }

    public record Rollout(String id, String group, String action, String toVersion, String options, String requestedBy, State state,
            String haltedBecause, String driver, Instant heartbeatAt, Instant createdAt, Instant finishedAt) {
    }

    public record Target(String target, int wave, int position, TargetState state, String versionAfter, String errorCode) {
    }

    private final DataSource dataSource;

    public RolloutStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records a new rollout with its targets in their waves, owned by {@code driver}; false if the id is known (a redelivery). */
    public boolean create(Rollout rollout, List<String> targets, List<Integer> waves) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO ferry_rollout (rollout_id, group_name, action, to_version,"
                    + " options, requested_by, state, driver, heartbeat_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?)")) {
                ps.setString(1, rollout.id());
                ps.setString(2, rollout.group());
                ps.setString(3, rollout.action());
                ps.setString(4, rollout.toVersion());
                ps.setString(5, rollout.options());
                ps.setString(6, rollout.requestedBy());
                ps.setString(7, rollout.driver());
                ps.setObject(8, utc(rollout.createdAt()));
                ps.setObject(9, utc(rollout.createdAt()));
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ferry_rollout_target (rollout_id, target, wave, position, state)"
                    + " VALUES (?, ?, ?, ?, 'PENDING')")) {
                for (int i = 0; i < targets.size(); i++) {
                    ps.setString(1, rollout.id());
                    ps.setString(2, targets.get(i));
                    ps.setInt(3, waves.get(i));
                    ps.setInt(4, i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            return true;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    public Optional<Rollout> find(String id) {
        List<Rollout> found = rollouts("SELECT rollout_id, group_name, action, to_version, options, requested_by, state, halted_because,"
                + " driver, heartbeat_at, created_at, finished_at FROM ferry_rollout WHERE rollout_id = ?", id);
        return found.stream().findFirst();
    }

    /** Rollouts still to drive. */
    public List<String> active() {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT rollout_id FROM ferry_rollout WHERE state <> 'DONE'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * The requester of a rollout's child request, if {@code childId} is the child of {@code rolloutId} for
     * {@code target} and the rollout submitted that target: what makes a child record count.
     */
    public Optional<String> requesterOfChild(String rolloutId, String childId, String target) {
        if (target == null || !RolloutDriver.childId(rolloutId, target).equals(childId)) {
            return Optional.empty();
        }
        // Submitted by the driver (a late copy of one, after the rollout ended, is answered as the duplicate it is).
        return find(rolloutId).filter(r -> targets(rolloutId).stream().anyMatch(t -> t.target().equals(target)
                && t.state() != TargetState.PENDING)).map(Rollout::requestedBy);
    }

    public List<Target> targets(String id) {
        List<Target> targets = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT target, wave, position, state,"
                + " version_after, error_code FROM ferry_rollout_target WHERE rollout_id = ? ORDER BY wave, position")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targets.add(new Target(rs.getString(1), rs.getInt(2), rs.getInt(3), TargetState.valueOf(rs.getString(4)), rs.getString(5),
                            rs.getString(6)));
                }
            }
            return targets;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * Makes the rollout this instance's to drive, if it is, or if its driver stopped beating; the
     * heartbeat is the claim. False when another instance drives it.
     */
    public boolean claim(String id, String driver, Instant now, Instant staleBefore) {
        return update("UPDATE ferry_rollout SET driver = ?, heartbeat_at = ? WHERE rollout_id = ? AND state <> 'DONE'"
                + " AND (driver = ? OR heartbeat_at < ?)", driver, utc(now), id, driver, utc(staleBefore)) == 1;
    }

    /** Moves the rollout from one of {@code from} to {@code to}; false if it was in none of them. */
    public boolean move(String id, State to, String why, State... from) {
        StringBuilder in = new StringBuilder();
        for (State s : from) {
            in.append(in.isEmpty() ? "'" : ", '").append(s.name()).append("'");
        }
        return update("UPDATE ferry_rollout SET state = ?, halted_because = COALESCE(?, halted_because), finished_at = ? WHERE rollout_id = ?"
                + " AND state IN (" + in + ")", to.name(), why, to == State.DONE ? utc(Instant.now()) : null, id) == 1;
    }

    public void targetState(String id, String target, TargetState state, String versionAfter, String errorCode) {
        update("UPDATE ferry_rollout_target SET state = ?, version_after = ?, error_code = ? WHERE rollout_id = ? AND target = ?",
                state.name(), versionAfter, errorCode, id, target);
    }

    private List<Rollout> rollouts(String sql, String id) {
        List<Rollout> found = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(new Rollout(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            State.valueOf(rs.getString(7)), rs.getString(8), rs.getString(9), instant(rs, 10), instant(rs, 11), instant(rs, 12)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private int update(String sql, Object... params) {
        try {
            return Jdbc.update(dataSource, sql, params);
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static RuntimeException unavailable(SQLException e) {
        return new RequestLedger.LedgerUnavailableException(e);
    }

    private static LocalDateTime utc(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
