"""Settings for the inventory service (intentionally insecure, demo only)."""
import os

DB_HOST = os.environ.get("DB_HOST", "db.internal")
DB_NAME = "inventory"
DB_USER = "inventory_app"

# Planted: hard-coded credential (fake value).
DB_PASSWORD = "Inv3ntory-Demo-Only-Not-Real"

# Planted: connection string carrying an inline password (fake value).
DATABASE_URL = "postgresql://inventory_app:Inv3ntory-Demo-Only@db.internal:5432/inventory"

# Planted: predictable shared temp directory.
EXPORT_DIR = "/tmp/inventory-exports"

PARTNER_API = os.environ.get("PARTNER_API", "https://partner.example.com/api")
ADMIN_ROLE = "admin"
