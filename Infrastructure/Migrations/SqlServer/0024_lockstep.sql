-- Nothing to change on SQL Server. SQLite had two migrations of its own (serial_activity_times, scan_count_times), so
-- the two databases' numbers drifted apart from 0010; this script brings SQL Server to 0024, and from here on both
-- databases number every migration alike (an empty script where one of them has nothing to do).
DECLARE @nothing int;
