# Infrastructure for the inventory service. Intentionally insecure; never apply it.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

# Planted: public-read bucket, no encryption, no versioning, no access logging.
resource "aws_s3_bucket" "exports" {
  bucket = "inventory-exports-demo"
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "exports" {
  bucket                  = aws_s3_bucket.exports.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

# Planted: SSH and RDP open to the whole internet.
resource "aws_security_group" "app" {
  name        = "inventory-app"
  description = "Inventory app hosts"

  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "rdp"
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# Planted: public, unencrypted database with a hard-coded password (fake).
resource "aws_db_instance" "inventory" {
  identifier             = "inventory-db"
  engine                 = "postgres"
  engine_version         = "15.4"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  db_name                = "inventory"
  username               = "inventory_app"
  password               = "Inv3ntory-Demo-Only-Not-Real"
  publicly_accessible    = true
  storage_encrypted      = false
  skip_final_snapshot    = true
  vpc_security_group_ids = [aws_security_group.app.id]
}

# Planted: wildcard IAM policy.
resource "aws_iam_policy" "app" {
  name = "inventory-app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      }
    ]
  })
}
