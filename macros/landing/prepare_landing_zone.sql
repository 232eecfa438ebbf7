{#-
    The landing zone as relations (SPEC §2), made by an on-run-start hook
    before anything is built: `raw.<table>` for every table of the `landing`
    source. On DuckDB they are views over the files under the `raw_path` var
    (env `ADOPTION_RAW_PATH`, default `data/raw`), written here at the start
    of each run from what is on disk; on every other engine they are tables
    loaded by scripts/load_landing_zone.py, which applies the same rules.

    CSV files (sources with `meta.landing_file`):
    * required (accounts, subscriptions, arr_monthly): missing or 0 bytes
      stops the run with a message naming the file; nothing is built.
    * optional (`meta.optional: true`: instances, adoption_reasons): missing
      or 0 bytes reads as empty (a header line and no rows).
    * every column the source declares must be in the header (matched
      case-insensitively, blanks trimmed), else the run stops naming the file
      and the columns missing; extra columns are ignored.
    * every value is text (staging casts it); `line_number` is the line of
      the file the row starts on (the header is line 1).
    * line endings may be LF, CRLF, or both mixed in one file.

    Pings: only `usage_pings/*.ndjson` and `usage_pings/*.ndjson.gz` are read;
    `raw.usage_ping_files` lists every file there, read or not.
-#}
{% macro prepare_landing_zone() -%}
    {{ return(adapter.dispatch('prepare_landing_zone', 'adoption_scoring')()) }}
{%- endmacro %}

{% macro default__prepare_landing_zone() -%}
{%- endmacro %}

{#-
    Whether this run reads the landing zone: a selected node (a model, test,
    snapshot or the source itself) reads a table of the `landing` source,
    directly or through models this run does not rebuild that read their
    inputs when queried (views and ephemeral models, as found in the database).
    A whole build does (the staging models read the source), and so does a
    build of the seeds (a seed check reads stg_landing__accounts, a view); a
    run of models whose every staging input is a table does not (the what-if
    preview's, over copies of the published build's inputs: docs/preview.md),
    and the landing hooks then do nothing. A command that selects nothing
    (`dbt show --inline`) is taken to read it.
-#}
{% macro run_reads_landing_zone() %}
    {% set selected = selected_resources | default([], true) | list %}
    {% if not selected %}
        {{ return(true) }}
    {% endif %}
    {% set is_selected, seen = {}, {} %}
    {% for unique_id in selected %}{% do is_selected.update({unique_id: true}) %}{% endfor %}
    {% set walk = namespace(frontier=selected) %}
    {% for step in range(graph.nodes | length + 1) %}
        {% set next_frontier = [] %}
        {% for unique_id in walk.frontier if unique_id not in seen %}
            {% do seen.update({unique_id: true}) %}
            {% set source_node = graph.sources.get(unique_id) %}
            {% set node = graph.nodes.get(unique_id) %}
            {% if source_node is not none and source_node.source_name == 'landing' %}
                {{ return(true) }}
            {% elif node is not none %}
                {#- A model this run does not build is read as it stands: a table holds its rows, a view reads its inputs. -#}
                {% set reads_through = unique_id in is_selected or node.resource_type != 'model'
                    or node.config.materialized == 'ephemeral' %}
                {% if not reads_through %}
                    {% set relation = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) %}
                    {% set reads_through = relation is not none and relation.is_view %}
                {% endif %}
                {% if reads_through %}
                    {% do next_frontier.extend(node.depends_on.nodes) %}
                {% endif %}
            {% endif %}
        {% endfor %}
        {% set walk.frontier = next_frontier %}
    {% endfor %}
    {{ return(false) }}
{% endmacro %}


{#- The landing-zone directory, as the source reads it. -#}
{% macro landing_raw_path() -%}
    {{ return(var('raw_path', env_var('ADOPTION_RAW_PATH', 'data/raw')) | string) }}
{%- endmacro %}

{#- The `landing` source tables of the graph, by name. -#}
{% macro landing_source_tables() -%}
    {% set tables = {} %}
    {% for node in graph.sources.values() if node.source_name == 'landing' %}
        {% do tables.update({node.name: node}) %}
    {% endfor %}
    {{ return(tables) }}
{%- endmacro %}

{#-
    `path` as a DuckDB file pattern that matches that path only: DuckDB's file
    functions (glob, read_csv, read_blob) read `*`, `?` and `[...]` as
    wildcards, so a landing path such as `/data/zone[1]` would match no file,
    or another directory's. Each is written as a one-character class.
-#}
{% macro glob_literal(path) -%}
    {{ return(path | replace('[', '[[]') | replace('*', '[*]') | replace('?', '[?]')) }}
{%- endmacro %}

{#- True for a file name the pings read: `*.ndjson` or `*.ndjson.gz`. -#}
{% macro is_ping_file_name(name) -%}
    {{ return(name.endswith('.ndjson') or name.endswith('.ndjson.gz')) }}
{%- endmacro %}

{#- Only DuckDB reads the landing files in place (views written here); elsewhere scripts/load_landing_zone.py loads tables. -#}
{% macro duckdb__prepare_landing_zone() -%}
    {#- `dbt seed` reads no landing data (and the lint step seeds without a zone); compile and docs generate read no data (command_needs). -#}
    {% if not execute or not command_needs('landing_zone') or not run_reads_landing_zone() %}
        {{ return('') }}
    {% endif %}
    {% set raw_path = landing_raw_path() %}
    {% set tables = landing_source_tables() %}
    {% set statements = ['create schema if not exists raw'] %}
    {% for name, node in tables.items() if node.meta.get('landing_file') %}
        {% do statements.append(
            'create or replace view raw.' ~ name ~ ' as\n'
            ~ landing_csv_select(raw_path, node.meta.landing_file, node.columns.keys() | list, node.meta.get('optional', false))
        ) %}
    {% endfor %}
    {% set files = run_query(
        'select file from glob(' ~ sql_string(glob_literal(raw_path) ~ '/usage_pings/*') ~ ') order by file'
    ).columns[0].values() | list %}
    {% set ping_paths = [] %}
    {% set file_rows = [] %}
    {% for file in files %}
        {% set file_name = file.replace('\\', '/').split('/')[-1] %}
        {% set is_ping_file = is_ping_file_name(file_name) %}
        {% do file_rows.append('(' ~ sql_string(file_name) ~ ', ' ~ is_ping_file ~ ')') %}
        {% if is_ping_file %}{% do ping_paths.append(file) %}{% endif %}
    {% endfor %}
    {% do statements.append('create or replace view raw.usage_pings as\n' ~ landing_pings_select(ping_paths)) %}
    {% do statements.append(
        'create or replace view raw.usage_ping_files as\n'
        ~ (
            'select * from (values ' ~ (file_rows | join(', ')) ~ ') as files (source_file, is_ping_file)'
            if file_rows else
            'select cast(null as varchar) as source_file, cast(null as boolean) as is_ping_file where false'
        )
    ) %}
    {{ return(statements | join(';\n') ~ ';') }}
{%- endmacro %}

{#-
    The select of one landing CSV, after checking it is there and has every
    declared column; an optional file that is missing or 0 bytes selects no
    row with the declared columns.
-#}
{% macro landing_csv_select(raw_path, file_name, columns, optional) -%}
    {% set path = raw_path ~ '/' ~ file_name %}
    {% set exists = run_query('select count(*) from glob(' ~ sql_string(glob_literal(path)) ~ ')').columns[0].values()[0] > 0 %}
    {% set size = run_query('select size from read_blob(' ~ sql_string(glob_literal(path)) ~ ')').columns[0].values()[0] if exists else 0 %}
    {% if size == 0 %}
        {% if not optional %}
            {{ exceptions.raise_compiler_error(
                'Landing file ' ~ file_name ~ ' is ' ~ ('empty (0 bytes)' if exists else 'missing')
                ~ ' in ' ~ raw_path ~ ': it is required (columns ' ~ (columns | join(', '))
                ~ '); nothing was built or published.'
            ) }}
        {% endif %}
        {% set empty = [] %}
        {% for column in columns %}{% do empty.append('cast(null as varchar) as ' ~ column) %}{% endfor %}
        {{ return('select ' ~ (empty | join(', ')) ~ ', cast(null as bigint) as line_number where false') }}
    {% endif %}
    {#-
        A file that mixes CRLF and LF line endings (a spreadsheet export
        appended to by a script) stops DuckDB's strict reader ("Error when
        sniffing file"); the PostgreSQL loader reads it. Such a file is read in
        DuckDB's lenient mode, which splits on either ending and keeps no CR
        in the last column. Every other file stays strict, so that a row with
        more fields than the header is still an error naming its line.
    -#}
    {#- The file's bytes as text, each control byte, byte above 0x7F and backslash as `\xNN`: count CRLFs and LFs. -#}
    {% set line_endings_sql %}
        select
            (length(escaped) - length(replace(escaped, '\x0D\x0A', ''))) // 8 as crlf_count,
            (length(escaped) - length(replace(escaped, '\x0A', ''))) // 4 as lf_count
        from (select cast(content as varchar) as escaped from read_blob({{ sql_string(glob_literal(path)) }}))
    {% endset %}
    {% set line_endings = run_query(line_endings_sql).rows[0] %}
    {% set is_mixed = line_endings[0] > 0 and line_endings[1] > line_endings[0] %}
    {% set reader = "read_csv(" ~ sql_string(glob_literal(path)) ~ ", header = true, delim = ',', all_varchar = true"
        ~ (", strict_mode = false" if is_mixed else "") ~ ")" %}
    {% set header = run_query('select * from ' ~ reader ~ ' limit 0').column_names | list %}
    {% set by_name = {} %}
    {% for column in header %}{% do by_name.update({column | trim | lower: column}) %}{% endfor %}
    {% set missing = columns | reject('in', by_name) | list %}
    {% if missing %}
        {{ exceptions.raise_compiler_error(
            'Landing file ' ~ file_name ~ ' (' ~ path ~ ') has no column ' ~ (missing | join(', '))
            ~ '; its header is: ' ~ (header | join(', ')) ~ '. Nothing was built or published.'
        ) }}
    {% endif %}
    {% set selected = [] %}
    {% for column in columns %}
        {% do selected.append(adapter.quote(by_name[column]) ~ ' as ' ~ column) %}
    {% endfor %}
    {{ return(
        'select ' ~ (selected | join(', ')) ~ ', cast(ordinality + 1 as bigint) as line_number\nfrom '
        ~ reader ~ ' with ordinality'
    ) }}
{%- endmacro %}

{#-
    The select of every ping line of `paths`: file name, 1-based line number,
    the line, and whether it is valid UTF-8.

    Line numbers: `ordinality` counts lines across all files in file order; a
    line's number in its file subtracts the file's first ordinality, read by a
    second, narrow scan. (A window numbering the lines per file would hold
    every payload in memory, or spill it: the largest cost of a build at
    40,000 accounts; docs/performance.md.) buffer_size: DuckDB's default is
    16 x max_line_size, 1 GiB per file being read (always the whole of it for
    a .gz file), which no sensible memory_limit admits.

    Encoding: the files are read as Latin-1, which accepts any byte, so one
    line that is not UTF-8 cannot fail the read; it keeps its bytes as
    Latin-1 text and is rejected as invalid_utf8. A line with a byte above
    0x7F is decoded again as UTF-8 (NULL when it is not UTF-8); a pure-ASCII
    line, nearly all of them, is the same text either way.
-#}
{% macro landing_pings_select(paths) -%}
    {% if not paths %}
        {{ return(
            'select cast(null as varchar) as source_file, cast(null as bigint) as line_number, '
            ~ 'cast(null as varchar) as payload, cast(null as boolean) as is_valid_utf8 where false'
        ) }}
    {% endif %}
    {% set files = [] %}
    {% for path in paths %}{% do files.append(sql_string(glob_literal(path))) %}{% endfor %}
    {% set reader %}
        read_csv([{{ files | join(', ') }}],
            names = ['line'], header = false, skip = 0, delim = chr(1), quote = '', escape = '',
            all_varchar = true, filename = true, strict_mode = false, encoding = 'latin-1',
            max_line_size = 67108864, buffer_size = 134217728) with ordinality
    {% endset %}
    {% set query %}
        select
            parse_filename(lines.filename) as source_file,
            lines.ordinality - files.first_ordinality + 1 as line_number,
            coalesce(lines.utf8_line, lines.line) as payload,
            lines.line is null or lines.utf8_line is not null as is_valid_utf8
        from (
            select
                filename,
                ordinality,
                line,
                case
                    when line is null or strlen(line) = length(line) then line
                    else try(decode(from_hex(array_to_string(
                        list_transform(string_split(line, ''), lambda ch: printf('%02x', ord(ch))), ''
                    ))))
                end as utf8_line
            from {{ reader }}
        ) as lines
        inner join (
            select filename, min(ordinality) as first_ordinality
            from {{ reader }}
            group by filename
        ) as files
            on lines.filename = files.filename
    {% endset %}
    {{ return(query) }}
{%- endmacro %}


{#-
    The on-run-start hook after prepare_landing_zone: every landing-data check
    (the `landing_*` tests of the `landing` source, tests/generic/landing/)
    runs here, before any model reads the landing zone, each through its own
    test macro. When any finds a problem at severity error, the run stops with
    every check's message (file, line, value) and, the on-run-start hook having
    failed, dbt skips every node: nothing is parsed, no incremental state is
    written, nothing is rebuilt or published. The same tests run again as data
    tests of `dbt build`, where they pass.
-#}
{% macro check_landing_zone() %}
    {#- Not for seed, compile, docs generate, source freshness (command_needs), nor a run that reads no landing data. -#}
    {% if not execute or not command_needs('landing_checks') or not run_reads_landing_zone() %}
        {{ return('') }}
    {% endif %}
    {% set sources = [] %}
    {% for node in graph.sources.values() if node.source_name == 'landing' %}
        {% do sources.append(node.unique_id) %}
    {% endfor %}
    {% set messages = [] %}
    {% for node in graph.nodes.values() | sort(attribute='unique_id')
        if node.resource_type == 'test' and node.test_metadata and node.test_metadata.name.startswith('landing_')
        and (node.config.severity | lower) == 'error' and node.depends_on.nodes | select('in', sources) | list %}
        {% set arguments = {} %}
        {% for name, value in node.test_metadata.kwargs.items() if name != 'model' %}
            {#- A relation argument is written `source('landing', '<table>')`. -#}
            {% set relation = modules.re.match("^source\\('landing', '(\\w+)'\\)$", value) if value is string else none %}
            {% do arguments.update({name: source('landing', relation.group(1)) if relation else value}) %}
        {% endfor %}
        {% set tested = modules.re.search("source\\('landing', '(\\w+)'\\)", node.test_metadata.kwargs.model).group(1) %}
        {% set check_sql = context['test_' ~ node.test_metadata.name](model=source('landing', tested), **arguments) %}
        {% set check_name = node.test_metadata.name ~ ' ' ~ (arguments.get('column_name') or arguments.get('columns', []) | join(', ')) %}
        {% set message = landing_problems_message(check_sql, landing_file_name(source('landing', tested)), check_name) %}
        {% if message %}{% do messages.append(message) %}{% endif %}
    {% endfor %}
    {% if messages %}
        {{ exceptions.raise_compiler_error(messages | join('\n')) }}
    {% endif %}
    {{ return('') }}
{% endmacro %}
