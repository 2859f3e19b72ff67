"""The schema: numbered migrations applied on open (PRAGMA user_version)."""
from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: documents, sections, learning points, embeddings
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        publisher TEXT,
        date TEXT,
        year INTEGER,
        doc_type TEXT NOT NULL DEFAULT 'other',
        source_name TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        page_count INTEGER,
        ingested_at TEXT NOT NULL,
        source_url TEXT,
        visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'restricted')),
        file_path TEXT,
        primary_themes TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE sections (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        heading TEXT NOT NULL,
        level INTEGER NOT NULL,
        path TEXT NOT NULL,
        page INTEGER
    );
    CREATE TABLE points (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        section_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        context TEXT,
        section_path TEXT NOT NULL DEFAULT '',
        page INTEGER,
        case_name TEXT,
        statement_type TEXT,
        themes TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX points_document ON points(document_id, position);
    CREATE INDEX sections_document ON sections(document_id, position);
    CREATE TABLE embeddings (
        point_id INTEGER PRIMARY KEY REFERENCES points(id) ON DELETE CASCADE,
        model TEXT NOT NULL,
        vector BLOB NOT NULL
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    INSERT INTO meta(key, value) VALUES ('generation', '0');
    """,
    # 2: themes of each point with confidence and reason
    """
    CREATE TABLE point_themes (
        point_id INTEGER NOT NULL REFERENCES points(id) ON DELETE CASCADE,
        theme TEXT NOT NULL,
        confidence REAL NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (point_id, theme)
    );
    CREATE INDEX point_themes_theme ON point_themes(theme);
    """,
    # 3: administrators of the web app (passwords stored hashed)
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 4: briefings built by trainers. Each item keeps the quoted text and its citation as
    # they were when added, so a briefing survives the document being replaced or removed.
    """
    CREATE TABLE briefings (
        id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        title TEXT NOT NULL,
        template TEXT NOT NULL,
        fields TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX briefings_owner ON briefings(owner, updated_at);
    CREATE TABLE briefing_items (
        id INTEGER PRIMARY KEY,
        briefing_id INTEGER NOT NULL REFERENCES briefings(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        point_id INTEGER REFERENCES points(id) ON DELETE SET NULL,
        document_id TEXT NOT NULL,
        text TEXT NOT NULL,
        context TEXT,
        section TEXT NOT NULL DEFAULT '',
        page INTEGER,
        statement_type TEXT,
        themes TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        box TEXT
    );
    CREATE INDEX briefing_items_briefing ON briefing_items(briefing_id, position);
    """,
    # 5: the pages of a document read by OCR (their citations say so)
    """
    ALTER TABLE documents ADD COLUMN ocr_pages TEXT NOT NULL DEFAULT '[]';
    """,
    # 6: the version of the reading rules a document was read with (kb.ingest.pipeline.RULES):
    # a document read by older rules is read again by the next ingest of its file
    """
    ALTER TABLE documents ADD COLUMN rules INTEGER NOT NULL DEFAULT 0;
    """,
]
