"""marshmallow schemas: the shape of what comes in and goes out, nothing else."""
