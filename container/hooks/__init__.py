"""AWS's two user hooks: ``record_preprocessor_script`` (a function per captured record) and
``post_analytics_processor_script`` (a function after the outputs are written), with AWS's documented shapes."""
