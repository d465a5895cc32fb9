"""The web's blueprints: reader pages, feeds, the view beacon and the media proxy."""
