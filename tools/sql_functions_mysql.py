"""The function allowlist of MySQL and MariaDB, as written names: data for `tools.sql_functions`,
kept apart because each engine's list is long and reviewed on its own."""

from __future__ import annotations

# Written names MySQL and MariaDB allow: their own list, not `_COMMON` (its names are DuckDB's and
# PostgreSQL's). Left out: LOAD_FILE (a server file), SLEEP and BENCHMARK (time), the lock,
# replication-wait and sequence functions, LAST_INSERT_ID(x) (sets session state), the session and
# server identity functions, NAME_CONST and VALUES(), and EXTRACTVALUE/UPDATEXML (XPath in a string).
# REPEAT, LPAD, RPAD and SPACE are bounded by the server: a result over max_allowed_packet is NULL.
MYSQL_NAMES = """
abs acos adddate addtime ascii asin atan atan2 avg bin bit_and bit_count bit_length bit_or bit_xor
ceil ceiling char_length character_length coalesce concat concat_ws conv convert_tz cos cot count
crc32 cume_dist curdate current_date current_time current_timestamp curtime date date_add
date_format date_sub datediff day dayname dayofmonth dayofweek dayofyear degrees dense_rank elt exp
export_set extract field find_in_set first_value floor format from_base64 from_days from_unixtime
greatest group_concat hex hour if ifnull inet6_aton inet6_ntoa inet_aton inet_ntoa instr is_ipv4
is_ipv6 isnull json_array json_arrayagg json_contains json_contains_path json_depth json_extract
json_insert json_keys json_length json_merge_patch json_merge_preserve json_object json_objectagg
json_overlaps json_pretty json_quote json_remove json_replace json_search json_set json_type
json_unquote json_valid json_value lag last_day last_value lcase lead least left length ln locate log
log10 log2 lower lpad ltrim make_set makedate maketime max md5 median microsecond mid min minute mod
month monthname now nth_value ntile nullif oct octet_length ord percent_rank percentile_cont
percentile_disc period_add period_diff pi position pow power quarter quote radians rand rank
regexp_instr regexp_like regexp_replace regexp_substr repeat replace reverse right round row_number
rpad rtrim sec_to_time second sha sha1 sha2 sign sin soundex space sqrt std stddev stddev_pop
stddev_samp str_to_date strcmp subdate substr substring substring_index subtime sum tan time
time_format time_to_sec timediff timestamp timestampadd timestampdiff to_base64 to_days to_seconds
trim truncate ucase unhex unix_timestamp upper utc_date utc_time utc_timestamp var_pop var_samp
variance week weekday weekofyear year yearweek localtime localtimestamp char
"""
