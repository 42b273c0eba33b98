"""Analysis stages: plain functions, frame in, frame out, models passed in."""
